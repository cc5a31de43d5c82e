// The action schemas compile into grammars in the real node-llama-cpp (llama.cpp parses the GBNF when
// the grammar is made), and what the random fuzz model emits is valid under them.
import assert from 'node:assert/strict';
import { getLlama, type Llama } from 'node-llama-cpp';
import { orchestratorSchema, workerSchema } from '../../daemon/src/agents/action-schemas.js';
import { parseAction } from '../../daemon/src/agents/action-parser.js';
import type { ActionSchema } from '../../daemon/src/agents/ports.js';
import type { Role } from '../../daemon/src/protocol/types.js';
import { RandomActionModel } from '../agents/random-action-model.js';

describe('agents: action grammars in node-llama-cpp', () => {
  let llama: Llama;
  before(async () => {
    llama = await getLlama({ gpu: false });
  });
  after(async () => {
    await llama?.dispose();
  });

  it('the orchestrator schema compiles, and accepts exactly the actions of its role', async () => {
    const grammar = await llama.createGrammarForJsonSchema(orchestratorSchema);
    await acceptsItsRole('orchestrator', orchestratorSchema, grammar, '{"tool": "write_file", "args": {"path": "a", "content": "b"}}');
  });

  it('the worker schema compiles, and accepts exactly the actions of its role', async () => {
    const grammar = await llama.createGrammarForJsonSchema(workerSchema);
    await acceptsItsRole('worker', workerSchema, grammar, '{"tool": "accept", "args": {}}');
  });
});

async function acceptsItsRole(role: Role, schema: ActionSchema, grammar: { parse(text: string): unknown }, otherRole: string): Promise<void> {
  const model = new RandomActionModel(7, undefined, 1);
  let sensible = 0;
  for (let i = 0; i < 300; i++) {
    const result = await model.generate({ role, messages: [], schema, maxTokens: 100_000 });
    if (result.action === null) continue;
    // node-llama-cpp's own check against the schema: the fuzz model emits only grammar-valid actions.
    assert.deepEqual(grammar.parse(result.text), result.action);
    // The parser never throws on them: each is an action or an error for the model.
    const parsed = parseAction(role, result.action);
    assert.ok(parsed.ok || parsed.error.length > 0);
    if (parsed.ok) sensible++;
  }
  assert.ok(sensible > 50, `only ${sensible} of 300 random actions made sense`);
  assert.throws(() => grammar.parse(otherRole), 'a role cannot emit the other role\'s tools');
}
