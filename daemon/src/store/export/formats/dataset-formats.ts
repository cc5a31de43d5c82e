// Every export format: which kind of example it writes and how one example becomes one JSONL record.
// Adding a format: write its record function beside this file and add one line here.
import type { ExportFormat } from '../../../protocol/types.js';
import type { GroupExample, PreferenceExample, SftExample, UnpairedExample } from '../trajectory.js';
import { openaiDpo, openaiSft } from './openai.js';
import { sharegpt } from './sharegpt.js';
import { stepRecordJson, type StepRecord } from './tandem-steps.js';
import { trlDpo, trlGrpo, trlKto, trlSft } from './trl.js';

type JsonRecord = Record<string, unknown>;

/** A record function returns null for an example the format cannot express; it is skipped and counted. */
export type DatasetFormat =
  | { kind: 'sft'; record: (example: SftExample) => JsonRecord | null }
  | { kind: 'preference'; record: (example: PreferenceExample) => JsonRecord | null }
  | { kind: 'unpaired'; record: (example: UnpairedExample) => JsonRecord | null }
  | { kind: 'group'; record: (example: GroupExample) => JsonRecord | null }
  /** The recorded steps themselves (every label), not examples built from them. */
  | { kind: 'steps'; record: (step: StepRecord) => JsonRecord };

export const datasetFormats: Record<ExportFormat, DatasetFormat> = {
  'openai-sft': { kind: 'sft', record: openaiSft },
  'trl-sft': { kind: 'sft', record: trlSft },
  sharegpt: { kind: 'sft', record: sharegpt },
  'trl-dpo': { kind: 'preference', record: trlDpo },
  'openai-dpo': { kind: 'preference', record: openaiDpo },
  'trl-kto': { kind: 'unpaired', record: trlKto },
  'trl-grpo': { kind: 'group', record: trlGrpo },
  'tandem-steps': { kind: 'steps', record: stepRecordJson },
};
