// What every worker tool gets: the worktree it works in and the bounds on what it may return.

export interface ToolLimits {
  /** Longest text a tool returns to the model. */
  maxOutputChars: number;
  /** Lines read_file returns when no range is given. */
  maxReadLines: number;
  maxListEntries: number;
  maxSearchMatches: number;
  /** Largest file write_file and edit_file will write. */
  maxFileBytes: number;
  runTimeoutMs: number;
  /** Longest a search may take: a costly regular expression is stopped, not waited out. */
  searchTimeoutMs: number;
}

export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  maxOutputChars: 4000,
  maxReadLines: 200,
  maxListEntries: 200,
  maxSearchMatches: 50,
  maxFileBytes: 512 * 1024,
  runTimeoutMs: 120_000,
  searchTimeoutMs: 10_000,
};

export interface ToolContext {
  root: string;
  limits: ToolLimits;
  signal?: AbortSignal;
}

/** A tool's answer to the model. ok=false is a refusal or a mistake the model can correct. */
export interface ToolOutcome {
  ok: boolean;
  result: string;
}

export const refused = (result: string): ToolOutcome => ({ ok: false, result });

/** Text that looks binary (a NUL byte early on) is not shown to the model. */
export const looksBinary = (bytes: Buffer): boolean => bytes.subarray(0, 8000).includes(0);
