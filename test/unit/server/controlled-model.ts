// A ModelPort whose generations finish only when the test says so, recording the order they started in.
import type { GenerateRequest, GenerateResult, ModelPort } from '../../../daemon/src/agents/ports.js';

export interface StartedGeneration {
  label: string;
  signal: AbortSignal | undefined;
  finish(): void;
}

export class ControlledModel implements ModelPort {
  readonly started: StartedGeneration[] = [];
  readonly baseModelSha = 'controlled';

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return new Promise((resolve) => {
      const result = (stopReason: GenerateResult['stopReason']): GenerateResult => ({
        text: request.messages[0]!.content, action: null, adapter: { role: request.role, version: null, sha256: null },
        tokensIn: 1, tokensOut: 1, tokensReused: 0, latencyMs: 0, stopReason,
      });
      request.signal?.addEventListener('abort', () => resolve(result('aborted')), { once: true });
      this.started.push({ label: request.messages[0]!.content, signal: request.signal, finish: () => resolve(result('stop')) });
    });
  }

  contextSize(): number { return 4096; }
  countTokens(text: string): number { return text.length; }
}

export function requestFor(label: string, signal?: AbortSignal): GenerateRequest {
  return { role: 'worker', messages: [{ role: 'user', content: label }], schema: {}, maxTokens: 8, signal };
}

/** Lets queued promise callbacks (the scheduler's pump) run. */
export const settle = () => new Promise((resolve) => setImmediate(resolve));
