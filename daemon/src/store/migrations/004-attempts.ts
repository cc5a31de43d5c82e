// Schema version 4: attempts. With tandem.attempts > 1 the worker makes several attempts at one
// delegation, each recorded as a subtask of its own; this table groups them, with the critic's score
// of each and the one the orchestrator was given.
export const attemptsSchema = `
CREATE TABLE attempts (
  subtask_id TEXT PRIMARY KEY REFERENCES subtasks(id),
  group_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  critic_step_id INTEGER REFERENCES steps(id),
  score INTEGER,                    -- the critic's 1-5; null when it gave no verdict
  chosen INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attempts_by_group ON attempts(group_id);
`;
