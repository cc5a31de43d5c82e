// The runtime bench's Qwen2-vocabulary run: what the worker's action grammar costs per generated token
// on a 151,936-token vocabulary. The same fixture, prompt and greedy sampling generate with the grammar
// and without it, in alternating runs; the best of each is kept (other work on a shared machine only
// ever slows a run down).
// - grammar_overhead: tokens/s with the grammar ÷ tokens/s without (1 = free).
// - grammar_ms_per_token: the difference in milliseconds per token.
// node-llama-cpp (3.22) already samples without the grammar first and checks that one token; only a
// rejected token costs a pass of the grammar over the whole vocabulary. A random-weight model's pick is
// rejected at nearly every structural position, so this is the worst case a trained model seldom meets.
import { LlamaChat, LlamaGrammarEvaluationState, type LlamaContextSequence, type LlamaGrammar, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ChatTurn } from '../../daemon/src/agents/ports.js';
import { workerSchema } from '../../daemon/src/agents/action-schemas.js';
import { toChatHistory } from '../../daemon/src/runtime/chat-history.js';
import type { LlamaBackend } from '../../daemon/src/runtime/llama-backend.js';
import { realVocabFixture } from '../support/real-vocab.js';

const TOKENS = 48;
const PAIRS = 3;
const CONTEXT_SIZE = 1024;

export async function grammarCost(backend: LlamaBackend, prompt: ChatTurn[]): Promise<Record<string, number>> {
  const files = await realVocabFixture('qwen2', { preset: 'tiny' });
  const model = await backend.llama.loadModel({ modelPath: files.modelPath });
  try {
    const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads: backend.threads, lora: { adapters: [{ filePath: files.adapters.worker }] } });
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence });
    const tokens = chat.chatWrapper.generateContextState({ chatHistory: [...toChatHistory(prompt), { type: 'model', response: [] }] }).contextText.tokenize(model.tokenizer);
    const grammar = await backend.llama.createGrammarForJsonSchema(workerSchema as never);
    const free: number[] = [];
    const constrained: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      free.push(await timedRun(sequence, tokens, null, model));
      constrained.push(await timedRun(sequence, tokens, grammar, model));
    }
    chat.dispose({ disposeSequence: true });
    await context.dispose();
    const without = Math.max(...free);
    const withGrammar = Math.max(...constrained);
    return {
      qwen2_prompt_tokens: tokens.length,
      qwen2_tokens_per_s_free: round(without),
      qwen2_tokens_per_s_grammar: round(withGrammar),
      grammar_overhead: round(withGrammar / without, 3),
      grammar_ms_per_token: round(1000 / withGrammar - 1000 / without, 2),
    };
  } finally {
    await model.dispose();
  }
}

/** Tokens per second of one greedy run from an empty cache, between its first and last token. */
async function timedRun(sequence: LlamaContextSequence, prompt: Token[], grammar: LlamaGrammar | null, model: LlamaModel): Promise<number> {
  await sequence.clearHistory();
  const grammarEvaluationState = grammar ? new LlamaGrammarEvaluationState({ model, grammar }) : undefined;
  const times: number[] = [];
  // Without a grammar a random model may sample its end token early: it counts as a token, and the run goes on.
  for await (const token of sequence.evaluate(prompt, { temperature: 0, yieldEogToken: true, ...(grammarEvaluationState ? { grammarEvaluationState } : {}) })) {
    void token;
    times.push(performance.now());
    if (times.length >= TOKENS) break;
  }
  if (times.length < 2) throw new Error('the grammar bench generated fewer than 2 tokens');
  return (times.length - 1) / ((times.at(-1)! - times[0]!) / 1000);
}

function round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}
