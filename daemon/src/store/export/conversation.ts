// Rebuilds one role's conversation from its recorded steps. Each step stored the exact turns the
// model was given (as turn refs); each step's structured action becomes an assistant tool call,
// and the turns that came back after it (tool results, feedback) follow it.
import type { ChatTurn } from '../../agents/ports.js';
import type { Role } from '../../protocol/types.js';
import { isRoleTool } from './tool-definitions.js';
import type { StepRow } from './store-reader.js';
import type { ToolCall, TrajectoryMessage } from './trajectory.js';

export type TurnSource = (hash: string) => ChatTurn;

/** True when `next` was given everything `prev` was: the same conversation, not a compacted one. */
export function continues(prev: StepRow, next: StepRow): boolean {
  if (next.messages.length <= prev.messages.length) return false;
  return prev.messages.every((hash, i) => next.messages[i] === hash);
}

/** The context of a run of steps (the first step's input) and the role's own turns after it. */
export function buildConversation(steps: StepRow[], role: Role, turnOf: TurnSource): { prompt: TrajectoryMessage[]; completion: TrajectoryMessage[] } {
  const prompt = historyMessages(steps[0]!.messages.map(turnOf), role);
  const completion: TrajectoryMessage[] = [];
  steps.forEach((step, i) => {
    const call = toolCall(step, role);
    completion.push(call ? { role: 'assistant', content: '', toolCall: call } : { role: 'assistant', content: JSON.stringify(step.action) });
    const next = steps[i + 1];
    if (!next) return;
    const added = next.messages.slice(step.messages.length).map(turnOf);
    // The recorder stores the model's raw output as the next assistant turn; the tool call replaces it.
    if (added[0]?.role === 'assistant') added.shift();
    for (const turn of added) completion.push(followingMessage(turn, call));
  });
  return { prompt, completion };
}

function toolCall(step: StepRow, role: Role): ToolCall | null {
  if (!isRoleTool(role, step.action.tool)) return null;
  return { id: `call_${step.id}`, name: step.action.tool, arguments: step.action.args };
}

function followingMessage(turn: ChatTurn, call: ToolCall | null): TrajectoryMessage {
  if (turn.role === 'tool') {
    return call ? { role: 'tool', content: turn.content, toolCallId: call.id, name: call.name } : { role: 'user', content: turn.content };
  }
  if (turn.role === 'assistant') return { role: 'assistant', content: turn.content, context: true };
  return { role: turn.role, content: turn.content };
}

/** Turns given to the model as history: earlier assistant outputs that parse as actions become tool calls. */
export function historyMessages(turns: ChatTurn[], role: Role): TrajectoryMessage[] {
  let call: ToolCall | null = null;
  return turns.map((turn, i): TrajectoryMessage => {
    if (turn.role !== 'assistant') {
      const message = followingMessage(turn, call);
      if (turn.role !== 'tool') call = null;
      return message;
    }
    call = parseCall(turn.content, role, `hist_${i}`);
    return call ? { role: 'assistant', content: '', toolCall: call, context: true } : { role: 'assistant', content: turn.content, context: true };
  });
}

function parseCall(text: string, role: Role, id: string): ToolCall | null {
  try {
    const value = JSON.parse(text) as { tool?: unknown; args?: unknown };
    if (typeof value.tool !== 'string' || !isRoleTool(role, value.tool)) return null;
    const args = value.args && typeof value.args === 'object' && !Array.isArray(value.args) ? value.args as Record<string, unknown> : {};
    return { id, name: value.tool, arguments: args };
  } catch {
    return null;
  }
}
