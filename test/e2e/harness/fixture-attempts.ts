// How tests get a task to review with the random-weight fixture model: it mostly gives up at once,
// so they start distinct tasks until one leaves a diff, boundedly, and log how many it took.
//
// Measured on 2 cores (60-120 tasks per prompt, ~1 s per failed attempt): "Make greet() say "Hi"
// instead of "Hello". (attempt N)" reached review in 9 of 80; other phrasings in 0-2 of 20-60, about
// 5% over all 240. At 5%, 150 attempts all fail with a chance of 0.95^150 ≈ 0.05%.
export const MAX_ATTEMPTS = 150;

/** The phrasing that reached review most often, made distinct per attempt. */
export function attemptPrompt(attempt: number): string {
  return `Make greet() say "Hi" instead of "Hello". (attempt ${attempt})`;
}

/** How attempts ended ("state/stopReason" each), counted: "12× failed/gave_up". */
export function endingsSummary(endings: string[]): string {
  const counts = new Map<string, number>();
  for (const ending of endings) counts.set(ending, (counts.get(ending) ?? 0) + 1);
  return [...counts].map(([ending, n]) => `${n}× ${ending}`).join(', ') || 'none';
}

/** One line for the test log: which attempt got there, and how the ones before it ended. */
export function attemptsLine(attempt: number, endings: string[]): string {
  return `      (the fixture model reached review on attempt ${attempt} of at most ${MAX_ATTEMPTS}; before it: ${endingsSummary(endings)})`;
}

export function noReviewError(endings: string[]): Error {
  return new Error(`No task reached review in ${MAX_ATTEMPTS} attempts; they ended: ${endingsSummary(endings)}.`);
}
