// Prints a benchmark's figures as a table, then the same figures as one JSON object on the last line.
export interface Benchmark {
  run(): Promise<Record<string, number | string>>;
}

export function printReport(name: string, figures: Record<string, number | string>): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log(`\n${name} benchmark`);
  for (const [key, value] of Object.entries(figures)) {
    const shown = typeof value === 'number' ? (Number.isInteger(value) ? String(value) : value.toFixed(3)) : value;
    console.log(`  ${key.padEnd(width)}  ${shown}`);
  }
  console.log(JSON.stringify(figures));
}
