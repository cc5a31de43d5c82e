// Schema version 3: review that works the way people review.
// - diffs.agent_commit: the commit holding the agent's version of every file when the diff was taken
//   (workspace/agent-version.ts), so the daemon can tell at approval whether the user edited a file.
// - review_hunks: what became of each hunk of an approved file: kept, dropped (reverted in the diff
//   editor or left out of a hunk selection) or edited by the user, so the export can pair kept and
//   dropped hunks of the same review.
export const reviewHunks = `
ALTER TABLE diffs ADD COLUMN agent_commit TEXT;
CREATE TABLE review_hunks (
  review_id INTEGER NOT NULL REFERENCES reviews(id),
  hunk_index INTEGER NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('kept', 'dropped', 'edited')),
  PRIMARY KEY (review_id, hunk_index)
) WITHOUT ROWID;
`;
