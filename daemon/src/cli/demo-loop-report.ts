// The loop demo's before/after table and its plain word on what the tiny model learned.

/** The same figures as `npm run bench -- loop` prints. */
export interface LoopFigures {
  heldout_nll_before: number | null;
  heldout_nll_after: number | null;
  pref_acc_before: number | null;
  pref_acc_after: number | null;
  tasks_following_before: number;
  tasks_following_after: number;
  train_s: number;
  import_s: number;
  swap_ms: number;
}

export function describeLoopFigures(f: LoopFigures): string[] {
  const num = (n: number | null, digits = 3) => (n === null ? '-' : n.toFixed(digits));
  const pct = (n: number) => `${Math.round(n * 100)}%`;
  const rows: [string, string, string][] = [
    ['held-out NLL per token of approved actions', num(f.heldout_nll_before), num(f.heldout_nll_after)],
    ['preference accuracy (approved over rejected)', num(f.pref_acc_before, 2), num(f.pref_acc_after, 2)],
    ['new tasks following the approved behaviour', pct(f.tasks_following_before), pct(f.tasks_following_after)],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  return [
    `  ${''.padEnd(width)}  ${'base'.padStart(8)}  ${'trained'.padStart(8)}`,
    ...rows.map(([name, before, after]) => `  ${name.padEnd(width)}  ${before.padStart(8)}  ${after.padStart(8)}`),
    `  training ${f.train_s}s, import ${f.import_s}s, promotion with hot-swap ${f.swap_ms} ms (the whole promote call: it scores both versions on the held-out tasks before the swap)`,
  ];
}

export const WHAT_IT_LEARNS = [
  'What this shows, plainly: llama-tiny is a random-weight model of about 140,000 parameters with a 512-piece',
  'vocabulary. In a few CPU-minutes it learns to imitate the text of the approved actions on this narrow task',
  '(delegate "Write NOTES.md", not TODO.md). It does not learn to code, and it does not understand the task;',
  'a real base model trained the same way on your own reviewed work is where that starts. The machinery is the',
  'same: your reviews become training data, the LoRA comes back, is scored on held-out tasks and swapped in live.',
];
