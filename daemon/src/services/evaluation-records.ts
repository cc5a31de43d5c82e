// Where evaluations and promotions are kept: adapters/evaluations.json beside the adapter registry,
// written atomically. An evaluation is stored per role, version (with its sha256) and held-out set,
// so a version scored again on other held-out examples keeps both results; a forced promotion says so.
import { join } from 'node:path';
import { readJsonFile, writeJsonFileAtomic } from '../json-file.js';
import type { AdapterEvaluation, GateDecision } from '../protocol/adapter-evaluation.js';
import type { Role } from '../protocol/types.js';

export interface PromotionRecord {
  role: Role;
  version: number | null;
  from: number | null;
  forced: boolean;
  decision: GateDecision;
  at: string;
}

interface StoredRecords {
  evaluations: AdapterEvaluation[];
  promotions: PromotionRecord[];
}

export class EvaluationRecords {
  readonly file: string;

  constructor(adaptersDir: string) {
    this.file = join(adaptersDir, 'evaluations.json');
  }

  /** Newest first. */
  evaluations(role?: Role): AdapterEvaluation[] {
    return this.read().evaluations.filter((e) => !role || e.role === role).reverse();
  }

  /** The latest evaluation of a version (and sha) on the given held-out set. */
  find(role: Role, version: number | null, sha256: string | null, heldOut: string): AdapterEvaluation | null {
    return this.evaluations(role).find((e) => e.version === version && e.sha256 === sha256 && e.heldOut === heldOut) ?? null;
  }

  promotions(role?: Role): PromotionRecord[] {
    return this.read().promotions.filter((p) => !role || p.role === role).reverse();
  }

  saveEvaluation(evaluation: AdapterEvaluation): void {
    const records = this.read();
    records.evaluations = records.evaluations.filter((e) =>
      !(e.role === evaluation.role && e.version === evaluation.version && e.sha256 === evaluation.sha256 && e.heldOut === evaluation.heldOut));
    records.evaluations.push(evaluation);
    writeJsonFileAtomic(this.file, records);
  }

  savePromotion(promotion: PromotionRecord): void {
    const records = this.read();
    records.promotions.push(promotion);
    writeJsonFileAtomic(this.file, records);
  }

  private read(): StoredRecords {
    const raw = readJsonFile(this.file) as Partial<StoredRecords> | undefined;
    if (raw !== undefined && !(Array.isArray(raw.evaluations) && Array.isArray(raw.promotions))) {
      throw new Error(`${this.file} is malformed; fix or delete it (evaluations can be run again)`);
    }
    return { evaluations: raw?.evaluations ?? [], promotions: raw?.promotions ?? [] };
  }
}
