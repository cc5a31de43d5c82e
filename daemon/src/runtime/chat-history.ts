// Turns the agents' chat turns into node-llama-cpp's chat history, which its chat wrapper renders
// with the model's own template. Chat templates know no "tool" role, so a tool result becomes a
// user turn that says it is one; the next assistant turn then reads it as the answer to its call.
import type { ChatHistoryItem } from 'node-llama-cpp';
import type { ChatTurn } from '../agents/ports.js';

export const TOOL_RESULT_PREFIX = 'Tool result:\n';

export function toChatHistory(messages: readonly ChatTurn[]): ChatHistoryItem[] {
  return messages.map((turn): ChatHistoryItem => {
    switch (turn.role) {
      case 'system': return { type: 'system', text: turn.content };
      case 'user': return { type: 'user', text: turn.content };
      case 'tool': return { type: 'user', text: TOOL_RESULT_PREFIX + turn.content };
      case 'assistant': return { type: 'model', response: [turn.content] };
    }
  });
}
