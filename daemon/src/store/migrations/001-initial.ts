// Schema version 1. Timestamps are milliseconds since the epoch. Large text (messages, model output,
// tool results, diffs, edited files) lives in `blobs`, stored once by sha256 and referenced by hash.
export const initialSchema = `
CREATE TABLE blobs (
  hash TEXT PRIMARY KEY,            -- sha256 hex of content
  size INTEGER NOT NULL,
  content TEXT NOT NULL
);

CREATE TABLE base_models (
  sha256 TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT
);

CREATE TABLE adapters (
  id INTEGER PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('orchestrator', 'worker')),
  version INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  base_model_sha TEXT,
  path TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (role, version)
);

CREATE TABLE repos (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  remote TEXT,
  default_branch TEXT
);

CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  repo_id INTEGER NOT NULL REFERENCES repos(id),
  prompt TEXT NOT NULL,
  base_commit TEXT NOT NULL,
  branch TEXT,
  state TEXT NOT NULL,
  stop_reason TEXT,
  round INTEGER NOT NULL DEFAULT 0,
  prompt_version TEXT NOT NULL,
  base_model_sha TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX tasks_by_state ON tasks(state);
CREATE INDEX tasks_by_created ON tasks(created_at);

-- A round is one attempt at the task; a rejection's reason starts the next one.
CREATE TABLE rounds (
  task_id TEXT NOT NULL REFERENCES tasks(id),
  round INTEGER NOT NULL,
  feedback TEXT,
  started_at INTEGER NOT NULL,
  PRIMARY KEY (task_id, round)
);

CREATE TABLE subtasks (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  round INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  instruction TEXT NOT NULL,
  files_json TEXT NOT NULL,
  outcome TEXT,                     -- accepted | revised | stopped
  stop_reason TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX subtasks_by_task ON subtasks(task_id);

-- One model call each. messages_json is a JSON array of blob hashes, one per chat turn, so a
-- system prompt or tool output repeated across steps is stored once.
CREATE TABLE steps (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  subtask_id TEXT REFERENCES subtasks(id),
  round INTEGER NOT NULL,
  role TEXT NOT NULL,
  adapter_version INTEGER,          -- null: base model
  adapter_sha TEXT,
  prompt_version TEXT NOT NULL,
  messages_json TEXT NOT NULL,
  output_hash TEXT NOT NULL REFERENCES blobs(hash),
  action_json TEXT,
  tokens_in INTEGER NOT NULL,
  tokens_out INTEGER NOT NULL,
  tokens_reused INTEGER NOT NULL,
  latency_ms REAL NOT NULL,
  stop_reason TEXT NOT NULL,
  state TEXT NOT NULL,              -- done | cancelled | error
  created_at INTEGER NOT NULL
);
CREATE INDEX steps_by_task ON steps(task_id);
CREATE INDEX steps_by_subtask ON steps(subtask_id);

CREATE TABLE tool_calls (
  id INTEGER PRIMARY KEY,
  step_id INTEGER NOT NULL REFERENCES steps(id),
  tool TEXT NOT NULL,
  args_json TEXT NOT NULL,
  ok INTEGER NOT NULL,
  result_hash TEXT NOT NULL REFERENCES blobs(hash),
  duration_ms REAL NOT NULL
);
CREATE INDEX tool_calls_by_step ON tool_calls(step_id);

CREATE TABLE diffs (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  subtask_id TEXT REFERENCES subtasks(id),
  step_id INTEGER REFERENCES steps(id),
  round INTEGER NOT NULL,
  base_commit TEXT NOT NULL,
  patch_id TEXT NOT NULL,
  files_json TEXT NOT NULL,         -- DiffFile[]
  diff_hash TEXT NOT NULL REFERENCES blobs(hash),
  created_at INTEGER NOT NULL
);
CREATE INDEX diffs_by_task ON diffs(task_id);

-- The human's verdict, per file.
CREATE TABLE reviews (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  diff_id INTEGER NOT NULL REFERENCES diffs(id),
  path TEXT NOT NULL,
  verdict TEXT NOT NULL CHECK (verdict IN ('approve', 'reject', 'approve_with_edits')),
  hunks_json TEXT,                  -- approved hunk indexes; null: the whole file
  reason TEXT,
  edited_hash TEXT REFERENCES blobs(hash), -- the user's version of the file
  created_at INTEGER NOT NULL
);
CREATE INDEX reviews_by_diff ON reviews(diff_id);

-- What actually reached the user's tree on approval; its patch-id is what signals look for.
CREATE TABLE applied_changes (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  diff_id INTEGER NOT NULL REFERENCES diffs(id),
  patch_id TEXT NOT NULL,
  diff_hash TEXT NOT NULL REFERENCES blobs(hash),
  commit_sha TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX applied_by_patch ON applied_changes(patch_id);

CREATE TABLE signals (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id),
  applied_id INTEGER REFERENCES applied_changes(id),
  kind TEXT NOT NULL CHECK (kind IN ('merged', 'reverted', 'tests_passed', 'tests_failed')),
  source TEXT NOT NULL,             -- patch-id | trailer | test-run | ...
  commit_sha TEXT,
  detail TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (task_id, kind, commit_sha)
);
CREATE INDEX signals_by_task ON signals(task_id);
`;
