// The browser and VS Code tests' daemon runs the fixture model, whose actions have short fields
// (services/agent-settings.ts). A scripted action that does not fit them fails its task at the first
// step; this finds it in milliseconds instead of after starting code-server.
import assert from 'node:assert/strict';
import { schemaFor } from '../../../daemon/src/agents/action-schemas.js';
import { DEFAULT_MAX_STRING_LENGTH } from '../../../daemon/src/runtime/action-grammar.js';
import { advance, initialState, isComplete } from '../../../daemon/src/runtime/action-automaton.js';
import { compileActionPattern } from '../../../daemon/src/runtime/action-pattern.js';
import { parseRules } from '../../../daemon/src/runtime/action-script.js';
import { FIXTURE_AGENT_CONFIG } from '../../../daemon/src/services/agent-settings.js';
import { DOCUMENT_FAREWELL, GREET_HI, RUNS_UNTIL_CANCELLED, testDaemonScript } from '../../e2e/harness/scripted-tasks.js';

describe('the e2e daemon\'s action script', () => {
  const rules = parseRules(testDaemonScript(), 'scripted-tasks.ts');

  it('is a script the daemon accepts, and every action fits the fixture daemon\'s action schema', () => {
    for (const rule of rules) {
      const pattern = compileActionPattern(schemaFor(rule.role, FIXTURE_AGENT_CONFIG.fieldLimits), DEFAULT_MAX_STRING_LENGTH);
      assert.ok(pattern, `${rule.role}'s schema compiles`);
      const state = advance(initialState(pattern), JSON.stringify(rule.action));
      assert.ok(state && isComplete(state), `${rule.role} ${JSON.stringify(rule.action)} fits the fixture's field limits`);
    }
  });

  it('answers each scripted task\'s opening with its own action, and leaves other prompts to the model', () => {
    const first = (role: 'orchestrator' | 'worker', content: string) =>
      rules.find((rule) => rule.role === role && (!rule.when || rule.when.test(content)))?.action ?? null;
    assert.equal(first('orchestrator', `Task: ${GREET_HI.prompt}`)?.tool, 'delegate');
    assert.deepEqual(first('worker', `Task of the whole team: ${GREET_HI.prompt}\n\nYour subtask: ${GREET_HI.instruction}`)?.args,
      { path: GREET_HI.path, content: GREET_HI.content });
    assert.deepEqual(first('worker', `Task of the whole team: ${RUNS_UNTIL_CANCELLED.prompt}`), { tool: 'run', args: { command: RUNS_UNTIL_CANCELLED.command } });
    assert.deepEqual(first('orchestrator', `Task: ${GREET_HI.prompt}\n\nThe human rejected the previous attempt because: ${DOCUMENT_FAREWELL.reason} (t1)`)?.args,
      { instruction: DOCUMENT_FAREWELL.instruction, files: [DOCUMENT_FAREWELL.path] }, 'a rejection naming the reason is answered before the prompt\'s own delegation');
    assert.equal((first('worker', `Task of the whole team: ${GREET_HI.prompt}\n\nYour subtask: ${DOCUMENT_FAREWELL.instruction}`)?.args as { path: string }).path,
      DOCUMENT_FAREWELL.path, 'the worker answers the subtask before the prompt');
    assert.equal(first('orchestrator', 'delegate → ok\nTask: ' + GREET_HI.prompt)?.tool, 'accept', 'a tool result is answered by its follow-up');
    assert.equal(first('orchestrator', 'Task: Make greet() say "Hi" instead of "Hello". (typed by hand)')?.tool, 'delegate', 'the prompt is matched as text it contains');
    assert.equal(first('orchestrator', 'Task: Write a poem'), null);
    assert.equal(first('worker', 'Task of the whole team: Write a poem'), null);
  });
});
