// A CLI command: a name of one or two words ("export", "models pull") and what it does.
import type { ParseArgsConfig } from 'node:util';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

export interface CliCommand {
  /** One or two words, e.g. "models pull". */
  name: string;
  usage: string;
  summary: string;
  options?: CliOptions;
  run(args: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] }): Promise<number>;
}
