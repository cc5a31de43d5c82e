// Processes as the host sees them. A sandboxed command lives in its own pid namespace, so the pids
// it could report mean nothing here: tests find its processes by a marker in their command line.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Every live (not zombie) process whose command line holds `marker`. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (cmdline.includes(marker) && !/^\d+ \(.*\) Z/.test(stat)) found.push(Number(entry));
    } catch { /* gone meanwhile */ }
  }
  return found;
}
