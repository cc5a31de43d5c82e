// The longest value each kind of action field may take. The grammar bounds generation by them (a
// cut-off string never closes the JSON), the parser enforces them, and the prompts quote them.

/** Longest value, in characters, the grammar lets each kind of field take. */
export const FIELD_LIMITS = {
  path: 256,
  instruction: 2000,
  feedback: 1000,
  summary: 1000,
  reason: 500,
  content: 4000,
  searchText: 2000,
  command: 300,
  query: 200,
  files: 8,
} as const;

export type FieldLimits = { [K in keyof typeof FIELD_LIMITS]: number };
