// Schema version 2: cheaper per-step writes. Every recorder call commits on its own, and a commit
// costs about one WAL page write per page it dirties, so a step should touch as few pages as it can.
// - steps_by_subtask goes: no query looks steps up by subtask, yet every step wrote a page of it.
// - New steps name their chat turns `role:hash` (see ../turn-refs.ts), which a version-1 Tandem
//   would misread as missing blobs: the version bump makes it refuse the file instead. Rows written
//   by version 1 are left as they are; they read the same.
export const lighterSteps = `
DROP INDEX IF EXISTS steps_by_subtask;
`;
