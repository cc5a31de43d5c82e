import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionScript, parseRules } from '../../../daemon/src/runtime/action-script.js';

const every = () => true;
const user = (content: string) => [{ role: 'user' as const, content }];

describe('action script', () => {
  const script = new ActionScript('test', parseRules({
    rules: [
      { role: 'orchestrator', when: '^delegate → ok', action: { tool: 'accept', args: {} } },
      { role: 'orchestrator', when: '^accept → ok', action: { tool: 'finish', args: { summary: 'Done' } } },
      { role: 'orchestrator', action: { tool: 'delegate', args: { instruction: 'Write it', files: [] } } },
      { role: 'worker', when: '^write_file → ok', action: { tool: 'done', args: { summary: 'wrote it' } } },
    ],
  }, 'test'));

  it("takes the first rule whose role and `when` match the conversation's last message", () => {
    assert.equal(script.actionFor('orchestrator', user('Task: do it'), every)?.tool, 'delegate');
    assert.equal(script.actionFor('orchestrator', [...user('Task'), { role: 'tool', content: 'delegate → ok\nDiff: …' }], every)?.tool, 'accept');
    assert.equal(script.actionFor('orchestrator', [{ role: 'tool', content: 'accept → ok\n' }], every)?.tool, 'finish');
    assert.equal(script.actionFor('worker', [{ role: 'tool', content: 'write_file → ok\n' }], every)?.tool, 'done');
  });

  it('leaves the call to the model where no rule applies: another role, no match, or a tool the step does not offer', () => {
    assert.equal(script.actionFor('worker', user('Write it'), every), null);
    assert.equal(script.actionFor('critic', user('Judge it'), every), null);
    const onlyDelegate = (tool: string) => tool === 'delegate';
    assert.equal(script.actionFor('orchestrator', [{ role: 'tool', content: 'accept → ok\n' }], onlyDelegate)?.tool, 'delegate', 'finish is not offered: the next rule applies');
    assert.equal(script.actionFor('orchestrator', user('Task'), () => false), null);
  });

  it('refuses a malformed script with the file and the rule named', () => {
    const cases: [unknown, RegExp][] = [
      [{}, /expected \{ "rules"/],
      [{ rules: [] }, /at least one rule/],
      [{ rules: [{ role: 'boss', action: { tool: 'x', args: {} } }] }, /rule 1: "role" must be one of orchestrator, worker, critic/],
      [{ rules: [{ role: 'worker', when: 3, action: { tool: 'x', args: {} } }] }, /rule 1: "when" must be a regular expression/],
      [{ rules: [{ role: 'worker', when: '(', action: { tool: 'x', args: {} } }] }, /rule 1: "when" is not a regular expression/],
      [{ rules: [{ role: 'worker', action: { tool: 'done' } }, {}] }, /rule 1: "action" must be \{ "tool"/],
    ];
    for (const [raw, message] of cases) assert.throws(() => parseRules(raw, 'script.json'), (error: Error) => message.test(error.message) && error.message.startsWith('script.json'));
  });

  it('reads a file, and says when it is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-script-'));
    try {
      const path = join(dir, 'script.json');
      writeFileSync(path, JSON.stringify({ rules: [{ role: 'worker', action: { tool: 'done', args: { summary: 'ok' } } }] }));
      assert.equal(ActionScript.fromFile(path).rules.length, 1);
      writeFileSync(path, '{ rules: ');
      assert.throws(() => ActionScript.fromFile(path), new RegExp(`The action script ${path} could not be read as JSON`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
