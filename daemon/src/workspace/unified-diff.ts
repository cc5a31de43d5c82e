// Splits git's unified diff into one section per file, with each hunk's lines, so the review can
// name hunks by index and approval can apply only some of them.
import type { DiffHunk } from '../protocol/types.js';

export interface ParsedHunk extends DiffHunk {
  /** Body lines as git wrote them: ' ', '-', '+' or '\' (no newline at end of file), then the text. */
  lines: string[];
}

export interface FileSection {
  /** The file's whole part of the diff, from "diff --git" to just before the next one. */
  text: string;
  binary: boolean;
  hunks: ParsedHunk[];
  additions: number;
  deletions: number;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** One section per "diff --git" header, in the order git wrote them. */
export function splitFileSections(unified: string): FileSection[] {
  const lines = unified.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const sections: FileSection[] = [];
  let current: { lines: string[]; section: FileSection } | null = null;
  let hunk: ParsedHunk | null = null;
  for (const line of lines) {
    if (line.startsWith('diff --git ')) {
      if (current) current.section.text = current.lines.join('\n') + '\n';
      current = { lines: [], section: { text: '', binary: false, hunks: [], additions: 0, deletions: 0 } };
      sections.push(current.section);
      hunk = null;
    }
    if (!current) continue;
    current.lines.push(line);
    const header = HUNK_HEADER.exec(line);
    if (header) {
      hunk = {
        index: current.section.hunks.length,
        header: line,
        oldStart: Number(header[1]),
        oldLines: header[2] === undefined ? 1 : Number(header[2]),
        newStart: Number(header[3]),
        newLines: header[4] === undefined ? 1 : Number(header[4]),
        lines: [],
      };
      current.section.hunks.push(hunk);
    } else if (hunk) {
      hunk.lines.push(line);
      if (line.startsWith('+')) current.section.additions++;
      else if (line.startsWith('-')) current.section.deletions++;
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
      current.section.binary = true;
    }
  }
  if (current) current.section.text = current.lines.join('\n') + '\n';
  return sections;
}
