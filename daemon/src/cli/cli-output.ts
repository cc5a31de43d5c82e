// How the models and adapters commands answer: JSON for scripts (--json), plain lines for people.
export function printResult(json: boolean, value: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : text());
}

/** An expected failure: one line on stderr (or a JSON error object with --json), and the exit code. */
export function printFailure(json: boolean, message: string, code = 1): number {
  if (json) console.log(JSON.stringify({ error: message }));
  else console.error(`tandem: ${message}`);
  return code;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
