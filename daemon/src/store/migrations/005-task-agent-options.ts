// Schema version 5: the agents' switches a task started with (the critic on or off, attempts per
// subtask), so a task revived after a restart (a rejection's next round) keeps them rather than taking
// whatever the settings say by then. Null for tasks recorded before: those take the current settings.
export const taskAgentOptions = `
ALTER TABLE tasks ADD COLUMN critic INTEGER;
ALTER TABLE tasks ADD COLUMN attempts INTEGER;
`;
