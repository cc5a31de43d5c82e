// Every schema version in order. A new version appends one entry (and its file, 00N-*.ts); the
// store applies the missing ones on open, in one transaction, and sets PRAGMA user_version.
import { initialSchema } from './001-initial.js';
import { lighterSteps } from './002-lighter-steps.js';
import { reviewHunks } from './003-review-hunks.js';
import { attemptsSchema } from './004-attempts.js';
import { taskAgentOptions } from './005-task-agent-options.js';
import { workClustersSchema } from './006-work-clusters.js';

export interface Migration {
  version: number;
  sql: string;
}

export const migrations: readonly Migration[] = [
  { version: 1, sql: initialSchema },
  { version: 2, sql: lighterSteps },
  { version: 3, sql: reviewHunks },
  { version: 4, sql: attemptsSchema },
  { version: 5, sql: taskAgentOptions },
  { version: 6, sql: workClustersSchema },
];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;
