// ShareGPT as LLaMA-Factory reads it (data/README.md there): `conversations` of {from, value} with
// human / gpt / function_call / observation, a `system` string and `tools` as a JSON string.
// LLaMA-Factory drops a conversation unless user-side turns (human, observation) sit at odd positions
// and model-side turns (gpt, function_call) at even ones, ending on the model side, so consecutive
// turns of one side are merged and trailing user-side turns are dropped.
import { toolDefinitions } from '../tool-definitions.js';
import type { SftExample, TrajectoryMessage } from '../trajectory.js';

type From = 'human' | 'gpt' | 'function_call' | 'observation';
interface Turn { from: From; value: string }

function sharegptTurn(m: TrajectoryMessage): Turn {
  switch (m.role) {
    case 'system':
    case 'user':
      return { from: 'human', value: m.content };
    case 'tool':
      return { from: 'observation', value: m.content };
    case 'assistant':
      return m.toolCall
        ? { from: 'function_call', value: JSON.stringify({ name: m.toolCall.name, arguments: m.toolCall.arguments }) }
        : { from: 'gpt', value: m.content };
  }
}

const modelSide = (t: Turn) => t.from === 'gpt' || t.from === 'function_call';

export function sharegpt(example: SftExample): Record<string, unknown> | null {
  const messages = [...example.messages];
  const system = messages[0]?.role === 'system' ? messages.shift()!.content : '';
  const turns: Turn[] = [];
  for (const turn of messages.map(sharegptTurn)) {
    const last = turns.at(-1);
    if (last && modelSide(last) === modelSide(turn)) {
      // Two model turns in a row cannot both be calls in this format; keep them as one text turn.
      last.from = modelSide(turn) ? 'gpt' : last.from;
      last.value = `${last.value}\n\n${turn.value}`;
    } else {
      turns.push({ ...turn });
    }
  }
  while (turns.length && !modelSide(turns.at(-1)!)) turns.pop();
  if (turns.length < 2 || modelSide(turns[0]!)) return null;
  return {
    conversations: turns,
    system,
    tools: JSON.stringify(toolDefinitions(example.role)),
    metadata: example.metadata,
  };
}
