// A model port for critic tests: the orchestrator and worker are scripted, so every case is constructed,
// and only the critic's turn goes to the real runtime.
import type { GenerateRequest, ModelPort } from '../../../daemon/src/agents/ports.js';
import type { Role } from '../../../daemon/src/protocol/types.js';
import type { ModelRuntime } from '../../../daemon/src/runtime/model-runtime.js';
import type { ScriptedModel } from '../../agents/scripted-model.js';

export class CriticOnRuntime implements ModelPort {
  readonly baseModelSha = 'fixture';
  constructor(private readonly scripted: ScriptedModel, private readonly runtime: ModelRuntime) {}
  generate(request: GenerateRequest) {
    return request.role === 'critic' ? this.runtime.generate(request) : this.scripted.generate(request);
  }
  contextSize(role: Role) {
    return role === 'critic' ? this.runtime.contextSize(role) : 32_768;
  }
  countTokens(text: string) {
    return this.runtime.countTokens(text);
  }
}
