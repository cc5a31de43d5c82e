// A recorded step as training data: the prompt and answer exactly as the runtime gave and got them
// (runtime/step-rendering.ts, the same text `tandem eval` scores), plus the end-of-turn token that
// closed the answer, so the adapter also learns to stop. Only the base GGUF's vocabulary and chat
// template are loaded (vocabOnly), which is cheap even for a large base.
import { getLlama, LlamaLogLevel, type Llama, type LlamaModel, type Token } from 'node-llama-cpp';
import type { ChatTurn } from '../agents/ports.js';
import { renderStep, stepRenderer, type StepRenderer as RuntimeRenderer } from '../runtime/step-rendering.js';

export interface TrainingText {
  /** The prompt and the completion as text, special tokens written out (for reading). */
  prompt: string;
  completion: string;
  /** What trains: the prompt's ids as the runtime evaluates them, then the answer's and the end of the turn. */
  prompt_ids: number[];
  completion_ids: number[];
}

export class StepRenderer {
  private constructor(private readonly llama: Llama, readonly model: LlamaModel, private readonly renderer: RuntimeRenderer) {}

  static async open(ggufPath: string): Promise<StepRenderer> {
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
    try {
      const model = await llama.loadModel({ modelPath: ggufPath, vocabOnly: true });
      return new StepRenderer(llama, model, stepRenderer(model));
    } catch (error) {
      await llama.dispose();
      throw new Error(`Cannot read the base model ${ggufPath}: ${(error as Error).message}`);
    }
  }

  /** The token a generation ends on: end-of-turn when the model has one, else end-of-sequence. */
  get endOfTurn(): Token {
    const token = this.model.tokens.eot ?? this.model.tokens.eos;
    if (token === null) throw new Error('The base model has no end-of-turn or end-of-sequence token; it cannot be trained to stop.');
    return token;
  }

  render(turns: readonly ChatTurn[], output: string): TrainingText {
    const step = renderStep(this.renderer, { messages: turns, output });
    const end = this.endOfTurn;
    return {
      prompt: step.prompt.text,
      completion: step.action.text + this.model.detokenize([end], true),
      prompt_ids: step.prompt.tokens.map(Number),
      completion_ids: [...step.action.tokens, end].map(Number),
    };
  }

  async close(): Promise<void> {
    await this.model.dispose();
    await this.llama.dispose();
  }
}
