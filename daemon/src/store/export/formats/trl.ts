// TRL conversational datasets (huggingface.co/docs/trl/dataset_formats): `messages` for SFT,
// `prompt`/`chosen`/`rejected` for DPO, `prompt`/`completion`/`label` for KTO, each with `tools`
// as JSON-schema function definitions. Tool-call arguments are objects, as chat templates expect.
import type { Role } from '../../../protocol/types.js';
import type { GroupExample, PreferenceExample, SftExample, TrajectoryMessage, UnpairedExample } from '../trajectory.js';
import { openaiTools } from './openai.js';
import { renumberCalls } from './tool-call-ids.js';

function trlMessage(m: TrajectoryMessage): Record<string, unknown> {
  switch (m.role) {
    case 'system':
    case 'user':
      return { role: m.role, content: m.content };
    case 'tool':
      return { role: 'tool', name: m.name, tool_call_id: m.toolCallId, content: m.content };
    case 'assistant':
      if (!m.toolCall) return { role: 'assistant', content: m.content };
      return { role: 'assistant', tool_calls: [{ id: m.toolCall.id, type: 'function', function: { name: m.toolCall.name, arguments: m.toolCall.arguments } }] };
  }
}

const trlTools = (role: Role) => openaiTools(role);

export function trlSft(example: SftExample): Record<string, unknown> {
  const [messages] = renumberCalls(example.messages);
  return { messages: messages!.map(trlMessage), tools: trlTools(example.role), metadata: example.metadata };
}

export function trlDpo(example: PreferenceExample): Record<string, unknown> {
  const [prompt, chosen] = renumberCalls(example.prompt, example.chosen);
  const [, rejected] = renumberCalls(example.prompt, example.rejected);
  return {
    prompt: prompt!.map(trlMessage), chosen: chosen!.map(trlMessage), rejected: rejected!.map(trlMessage),
    tools: trlTools(example.role), metadata: example.metadata,
  };
}

export function trlKto(example: UnpairedExample): Record<string, unknown> {
  const [prompt, completion] = renumberCalls(example.prompt, example.completion);
  return {
    prompt: prompt!.map(trlMessage), completion: completion!.map(trlMessage), label: example.label,
    tools: trlTools(example.role), metadata: example.metadata,
  };
}

/**
 * A group of attempts at one prompt, as GRPO-style offline data: `prompt`, one `completions` entry per
 * attempt and its `rewards` (the reward definition is in manifest.json). TRL's GRPOTrainer reads the
 * `prompt` column and scores completions with reward functions; the recorded ones are for offline use.
 */
export function trlGrpo(example: GroupExample): Record<string, unknown> {
  const renumbered = example.completions.map((completion) => renumberCalls(example.prompt, completion));
  return {
    prompt: renumbered[0]![0]!.map(trlMessage),
    completions: renumbered.map(([, completion]) => completion!.map(trlMessage)),
    rewards: example.rewards,
    tools: trlTools(example.role), metadata: example.metadata,
  };
}
