// JSON-RPC error codes of our own (the -32000..-32099 server range), each with a message a user can act on.
export const ErrorCodes = {
  Unauthorized: -32001,
  MessageTooLarge: -32002,
  NotFound: -32003,
  InvalidState: -32004,
  BadModelFile: -32005,
  BadAdapterFile: -32006,
  WorkspaceViolation: -32007,
  Conflict: -32008,
  Busy: -32009,
  Cancelled: -32010,
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
