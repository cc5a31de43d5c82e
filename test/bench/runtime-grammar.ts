// The runtime bench's Qwen2-vocabulary run: what holding the worker's action to its schema costs per
// token on a 151,936-token vocabulary. One fixture, prompt and greedy sampling; each round generates
// without any constraint, with the runtime's decoder (constrained-decoding.ts, what a user gets) and
// with node-llama-cpp's GBNF grammar (what the runtime used before), interleaved so load on a shared
// machine falls on all three alike; the best of each is kept (other work only ever slows a run down).
// Every run starts with the prompt in the KV cache but its last token, and is timed from the call to
// its last token, so per-token time includes what a user waits for (forced text evaluated in batches
// counts as the tokens it is).
// - grammar_overhead: tokens/s with the runtime's decoder ÷ tokens/s without a constraint (1 = free).
// - grammar_ms_per_token: the difference in milliseconds per token.
// - gbnf_overhead, gbnf_ms_per_token: the same for node-llama-cpp's grammar. It samples without the
//   grammar first and checks that one token, but a random model's pick is rejected at nearly every
//   structural position, and each rejection costs a grammar pass over the whole vocabulary.
import { LlamaChat, LlamaGrammarEvaluationState, type LlamaContextSequence, type LlamaGrammar, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ChatTurn } from '../../daemon/src/agents/ports.js';
import { workerSchema } from '../../daemon/src/agents/action-schemas.js';
import { DEFAULT_MAX_STRING_LENGTH } from '../../daemon/src/runtime/action-grammar.js';
import { compileActionPattern, type PatternNode } from '../../daemon/src/runtime/action-pattern.js';
import { toChatHistory } from '../../daemon/src/runtime/chat-history.js';
import { decodeAction } from '../../daemon/src/runtime/constrained-decoding.js';
import type { LlamaBackend } from '../../daemon/src/runtime/llama-backend.js';
import { realVocabFixture } from '../support/real-vocab.js';

const TOKENS = 48;
const ROUNDS = 3;
const CONTEXT_SIZE = 1024;

interface Run {
  tokens: number;
  ms: number;
}

export async function grammarCost(backend: LlamaBackend, prompt: ChatTurn[]): Promise<Record<string, number>> {
  const files = await realVocabFixture('qwen2', { preset: 'tiny' });
  const model = await backend.llama.loadModel({ modelPath: files.modelPath });
  try {
    const context = await model.createContext({ contextSize: CONTEXT_SIZE, threads: backend.threads, lora: { adapters: [{ filePath: files.adapters.worker }] } });
    const sequence = context.getSequence();
    const chat = new LlamaChat({ contextSequence: sequence });
    const tokens = chat.chatWrapper.generateContextState({ chatHistory: [...toChatHistory(prompt), { type: 'model', response: [] }] }).contextText.tokenize(model.tokenizer);
    const grammar = await backend.llama.createGrammarForJsonSchema(workerSchema as never);
    const pattern = compileActionPattern(workerSchema, DEFAULT_MAX_STRING_LENGTH);
    if (!pattern) throw new Error("the worker's schema does not compile to a pattern");
    const free: Run[] = [];
    const decoded: Run[] = [];
    const gbnf: Run[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      free.push(await evaluateRun(sequence, tokens, null, model));
      decoded.push(await decoderRun(sequence, tokens, pattern));
      gbnf.push(await evaluateRun(sequence, tokens, grammar, model));
    }
    chat.dispose({ disposeSequence: true });
    await context.dispose();
    const perSecond = (runs: Run[]) => Math.max(...runs.map((run) => run.tokens / (run.ms / 1000)));
    const [without, withDecoder, withGbnf] = [perSecond(free), perSecond(decoded), perSecond(gbnf)];
    return {
      qwen2_prompt_tokens: tokens.length,
      qwen2_action_tokens: Math.max(...decoded.map((run) => run.tokens)),
      qwen2_tokens_per_s_free: round(without),
      qwen2_tokens_per_s_grammar: round(withDecoder),
      qwen2_tokens_per_s_gbnf: round(withGbnf),
      grammar_overhead: round(withDecoder / without, 3),
      grammar_ms_per_token: round(1000 / withDecoder - 1000 / without, 2),
      gbnf_overhead: round(withGbnf / without, 3),
      gbnf_ms_per_token: round(1000 / withGbnf - 1000 / without, 2),
    };
  } finally {
    await model.dispose();
  }
}

/** The cache holds the prompt but its last token, whose logits start the answer. */
async function primeCache(sequence: LlamaContextSequence, prompt: Token[]): Promise<void> {
  await sequence.clearHistory();
  await sequence.evaluateWithoutGeneratingNewTokens(prompt.slice(0, -1));
}

/** Up to TOKENS greedy tokens from node-llama-cpp's own loop, with or without the GBNF grammar. */
async function evaluateRun(sequence: LlamaContextSequence, prompt: Token[], grammar: LlamaGrammar | null, model: LlamaModel): Promise<Run> {
  await primeCache(sequence, prompt);
  const grammarEvaluationState = grammar ? new LlamaGrammarEvaluationState({ model, grammar }) : undefined;
  const started = performance.now();
  let tokens = 0;
  // Without a grammar a random model may sample its end token early: it counts as a token, and the run goes on.
  for await (const token of sequence.evaluate(prompt.slice(-1), { temperature: 0, yieldEogToken: true, ...(grammarEvaluationState ? { grammarEvaluationState } : {}) })) {
    void token;
    if (++tokens >= TOKENS) break;
  }
  return { tokens, ms: performance.now() - started };
}

/** The runtime's decoder on the same cache: up to TOKENS tokens of the worker's action. */
async function decoderRun(sequence: LlamaContextSequence, prompt: Token[], pattern: PatternNode): Promise<Run> {
  await primeCache(sequence, prompt);
  const started = performance.now();
  const result = await decodeAction(sequence, pattern, { pending: prompt.slice(-1), promptTail: prompt.slice(-4), maxTokens: TOKENS, temperature: 0 });
  if (result.tokens.length < 2) throw new Error('the decoder bench generated fewer than 2 tokens');
  return { tokens: result.tokens.length, ms: performance.now() - started };
}

function round(n: number, digits = 1): number {
  return Number(n.toFixed(digits));
}
