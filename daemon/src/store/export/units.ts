// Cuts one task's steps into trajectory units. A worker unit is one version of a subtask: the steps
// up to the diff the human reviewed, then the steps after it up to the next diff. An orchestrator unit
// is one round; a critic unit is one verdict. A unit never spans a context break (a step not given everything the previous one was).
import type { Role } from '../../protocol/types.js';
import { buildConversation, continues, type TurnSource } from './conversation.js';
import type { StepRow, TaskRow } from './store-reader.js';
import type { TaskOutcome, Verdict } from './task-outcome.js';
import type { TrajectoryUnit } from './trajectory.js';
import { applyUserEdits } from './user-edits.js';
import { keepOnlyKeptHunks, reviewedHunks, type ReviewedHunk } from './kept-hunks.js';

/** `paths`: the files of the diffs that count (a worker's part of the round's reviewed diff); null: all. */
interface Version { steps: StepRow[]; diffIds: number[]; paths?: Set<string> | null; pairKey: string }

export interface UnitSources {
  turnOf: TurnSource;
  blob: (hash: string) => string;
}

export function taskUnits(task: TaskRow, steps: StepRow[], outcome: TaskOutcome, sources: UnitSources): TrajectoryUnit[] {
  const units: { unit: TrajectoryUnit; verdict: Verdict; diffKey: string }[] = [];
  for (const version of versions(task, steps, outcome)) {
    const verdict = outcome.verdict(version.diffIds, version.paths ?? null);
    const segments = splitAtContextBreaks(version.steps);
    for (const [index, segment] of segments.entries()) {
      const role = segment[0]!.role;
      const { prompt, completion } = buildConversation(segment, role, sources.turnOf);
      const unit: TrajectoryUnit = {
        role, prompt, completion, pairKey: version.pairKey, wholeVersion: segments.length === 1, versionStart: index === 0,
        provenance: provenance(task, segment, verdict),
      };
      // Worker versions of several subtasks can share the round's diff: each keeps its own files' hunks and edits.
      units.push({ unit, verdict, diffKey: version.diffIds.length ? `${version.pairKey}|${version.diffIds.join(',')}` : '' });
    }
  }
  // Several worker units can share one reviewed diff; a file none of them wrote goes to the last one.
  const lastOfDiff = new Map<string, TrajectoryUnit>();
  for (const { unit, diffKey } of units) if (unit.role === 'worker' && diffKey) lastOfDiff.set(diffKey, unit);
  const hunksOfDiff = new Map<string, ReviewedHunk[]>();
  for (const { unit, verdict, diffKey } of units) {
    if (unit.role !== 'worker') continue;
    const last = lastOfDiff.get(diffKey) === unit;
    const hunks = hunksOfDiff.get(diffKey) ?? hunksOfDiff.set(diffKey, reviewedHunks(verdict.hunkReviews, outcome.diffs, sources.blob)).get(diffKey)!;
    // Each hunk is labelled once, by the unit the diff ends with.
    if (last && hunks.length) unit.hunks = hunks;
    if (!isApproved(verdict)) continue;
    // Hunks chosen without an edit (verdict approve): the approved version holds only the kept ones.
    const selected = hunks.filter((h) => !verdict.edits.has(h.path));
    if (!verdict.edits.size && !selected.length) continue;
    const edits = new Map([...verdict.edits].map(([path, hash]) => [path, sources.blob(hash)]));
    unit.original = unit.completion;
    unit.completion = keepOnlyKeptHunks(applyUserEdits(unit.completion, edits, last), selected, last);
    // The user's change only dropped some of the agent's hunks: a kept-vs-dropped pair, not an edit.
    const hunkPaths = new Set(hunks.map((h) => h.path));
    unit.originalKind = [...verdict.edits.keys()].every((path) => hunkPaths.has(path)) ? 'kept_hunks' : 'user_edit';
  }
  return units.map((u) => u.unit);
}

function isApproved(verdict: Verdict): boolean {
  return verdict.label === 'approved' || verdict.label === 'merged';
}

function versions(task: TaskRow, steps: StepRow[], outcome: TaskOutcome): Version[] {
  const groups = new Map<string, StepRow[]>();
  for (const step of steps) {
    const key = step.role === 'orchestrator' ? `o:${step.round}`
      : step.role === 'critic' ? `c:${step.id}`
        : `w:${step.subtask_id ?? `round-${step.round}`}`;
    const group = groups.get(key);
    if (group) group.push(step); else groups.set(key, [step]);
  }
  const out: Version[] = [];
  for (const [key, group] of groups) {
    const first = group[0]!;
    if (first.role === 'orchestrator') {
      // The orchestrator's rounds are its versions of the whole task, judged by what each round ended with.
      out.push({ steps: group, diffIds: outcome.finalDiffsOfRound(first.round).map((d) => d.id), pairKey: `${task.id}:orchestrator` });
    } else if (first.role === 'critic') {
      // Each verdict is a unit of its own, labelled like the orchestrator's round: by the human's verdict on what the round ended with.
      out.push({ steps: group, diffIds: outcome.finalDiffsOfRound(first.round).map((d) => d.id), pairKey: `${task.id}:${key}` });
    } else {
      out.push(...workerVersions(group, outcome, `${task.id}:${key}`));
    }
  }
  return out;
}

function workerVersions(group: StepRow[], outcome: TaskOutcome, pairKey: string): Version[] {
  const subtaskId = group[0]!.subtask_id;
  const diffs = subtaskId ? outcome.diffsOfSubtask(subtaskId) : [];
  if (!diffs.length) {
    const roundDiffs = outcome.diffsOfRound(group[0]!.round, true).map((d) => d.id);
    return [{ steps: group, diffIds: roundDiffs, pairKey }];
  }
  // A diff ends the version that produced it: at its step, or else at the last step before it was taken.
  const bounds = diffs.map((d) => ({
    id: d.id,
    bound: d.step_id ?? group.filter((s) => s.created_at <= d.created_at).at(-1)?.id ?? -1,
  })).sort((a, b) => a.bound - b.bound);
  const out: Version[] = [];
  let start = 0;
  for (let i = 0; i < bounds.length; i++) {
    const bound = bounds[i]!.bound;
    const ids = [bounds[i]!.id];
    while (i + 1 < bounds.length && bounds[i + 1]!.bound === bound) ids.push(bounds[++i]!.id);
    let end = start;
    while (end < group.length && group[end]!.id <= bound) end++;
    // The human judged the subtask's last version by its files in the round's diff (worker-review.ts).
    if (end > start) out.push({ steps: group.slice(start, end), ...outcome.reviewedWork(subtaskId!, ids), pairKey });
    start = end;
  }
  if (start < group.length) out.push({ steps: group.slice(start), diffIds: [], pairKey });
  return out;
}

function splitAtContextBreaks(steps: StepRow[]): StepRow[][] {
  const segments: StepRow[][] = [[steps[0]!]];
  for (let i = 1; i < steps.length; i++) {
    if (continues(steps[i - 1]!, steps[i]!)) segments.at(-1)!.push(steps[i]!);
    else segments.push([steps[i]!]);
  }
  return segments;
}

function provenance(task: TaskRow, steps: StepRow[], verdict: Verdict): TrajectoryUnit['provenance'] {
  const last = steps.at(-1)!;
  const role: Role = last.role;
  return {
    task_id: task.id,
    subtask_id: last.subtask_id,
    round: last.round,
    role,
    step_ids: steps.map((s) => s.id),
    base_model_sha: task.base_model_sha,
    adapter_version: last.adapter_version,
    adapter_sha: last.adapter_sha,
    route: last.route ?? null,
    prompt_version: last.prompt_version,
    repo: { path: task.repo_path, remote: task.repo_remote, base_commit: task.base_commit, applied_commit: verdict.appliedCommit },
    review: verdict.review,
    signal: verdict.signal,
    label: verdict.label,
  };
}
