// OpenAI fine-tuning JSONL. SFT: `messages` (assistant `tool_calls` with JSON-string arguments,
// `tool` results with `tool_call_id`) plus `tools`; history turns get `weight: 0` so only the
// record's own outputs are trained. DPO: `input` / `preferred_output` / `non_preferred_output`,
// where each output is the single assistant message at which the two versions differ.
import type { Role } from '../../../protocol/types.js';
import { toolDefinitions } from '../tool-definitions.js';
import type { PreferenceExample, SftExample, TrajectoryMessage } from '../trajectory.js';
import { renumberCalls } from './tool-call-ids.js';

export function openaiTools(role: Role): unknown[] {
  return toolDefinitions(role).map((fn) => ({ type: 'function', function: fn }));
}

function openaiMessage(m: TrajectoryMessage): Record<string, unknown> {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId, content: m.content };
    case 'assistant': {
      const weight = m.context ? { weight: 0 } : {};
      if (!m.toolCall) return { role: 'assistant', content: m.content, ...weight };
      const call = { id: m.toolCall.id, type: 'function', function: { name: m.toolCall.name, arguments: JSON.stringify(m.toolCall.arguments) } };
      return { role: 'assistant', tool_calls: [call], ...weight };
    }
  }
}

export function openaiSft(example: SftExample): Record<string, unknown> {
  const [messages] = renumberCalls(example.messages);
  return { messages: messages!.map(openaiMessage), tools: openaiTools(example.role), metadata: example.metadata };
}

export function openaiDpo(example: PreferenceExample): Record<string, unknown> | null {
  const chosen = example.chosen[0];
  const rejected = example.rejected[0];
  if (chosen?.role !== 'assistant' || rejected?.role !== 'assistant') return null;
  const [prompt, preferred] = renumberCalls(example.prompt, [chosen]);
  const [, nonPreferred] = renumberCalls(example.prompt, [rejected]);
  const p = openaiMessage({ ...preferred![0]!, context: false } as TrajectoryMessage);
  const n = openaiMessage({ ...nonPreferred![0]!, context: false } as TrajectoryMessage);
  if (JSON.stringify(p) === JSON.stringify(n)) return null;
  return {
    input: { messages: prompt!.map(openaiMessage), tools: openaiTools(example.role), parallel_tool_calls: false },
    preferred_output: [p],
    non_preferred_output: [n],
    metadata: example.metadata,
  };
}
