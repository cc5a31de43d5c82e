import assert from 'node:assert/strict';
import { FIELD_LIMITS } from '../../../daemon/src/agents/action-schemas.js';
import { parseAction } from '../../../daemon/src/agents/action-parser.js';

describe('agents: parseAction', () => {
  it('turns valid actions of each role into typed actions', () => {
    assert.deepEqual(parseAction('orchestrator', { tool: 'delegate', args: { instruction: 'Fix it', files: ['a.ts'] } }), {
      ok: true, action: { tool: 'delegate', args: { instruction: 'Fix it', files: ['a.ts'] } },
    });
    assert.deepEqual(parseAction('orchestrator', '{"tool":"accept","args":{}}'), { ok: true, action: { tool: 'accept', args: {} } });
    assert.deepEqual(parseAction('worker', { tool: 'search', args: { query: 'x', regex: true } }), {
      ok: true, action: { tool: 'search', args: { query: 'x', regex: true } },
    });
  });

  it('drops null line numbers, which the grammar produces for "whole file"', () => {
    const parsed = parseAction('worker', { tool: 'read_file', args: { path: 'a.ts', start_line: null, end_line: 4 } });
    assert.deepEqual(parsed, { ok: true, action: { tool: 'read_file', args: { path: 'a.ts', end_line: 4 } } });
  });

  it('refuses a worker tool from the orchestrator, saying why', () => {
    const parsed = parseAction('orchestrator', { tool: 'edit_file', args: { path: 'a', search: 'b', replace: 'c' } });
    assert.equal(parsed.ok, false);
    assert.ok(!parsed.ok && /Unknown tool "edit_file"/.test(parsed.error) && /delegate/.test(parsed.error));
  });

  const bad: [string, 'orchestrator' | 'worker', unknown, RegExp][] = [
    ['no action (cut off)', 'worker', null, /No action was produced/],
    ['broken JSON text', 'worker', '{"tool": "done"', /not valid JSON/],
    ['an array', 'worker', [1], /JSON object/],
    ['args not an object', 'worker', { tool: 'done', args: 'x' }, /"args" of done must be a JSON object/],
    ['empty instruction', 'orchestrator', { tool: 'delegate', args: { instruction: ' ', files: [] } }, /"instruction" must not be empty/],
    ['too many files', 'orchestrator', { tool: 'delegate', args: { instruction: 'x', files: Array(FIELD_LIMITS.files + 1).fill('a') } }, /at most/],
    ['a file that is not a string', 'orchestrator', { tool: 'delegate', args: { instruction: 'x', files: [3] } }, /"files\[0\]" must be a string/],
    ['end before start', 'worker', { tool: 'read_file', args: { path: 'a', start_line: 9, end_line: 2 } }, /end_line \(2\) is before start_line \(9\)/],
    ['line zero', 'worker', { tool: 'read_file', args: { path: 'a', start_line: 0, end_line: null } }, /"start_line" must be a line number/],
    ['fractional line', 'worker', { tool: 'read_file', args: { path: 'a', start_line: 1.5, end_line: null } }, /line number/],
    ['empty path', 'worker', { tool: 'write_file', args: { path: '', content: 'x' } }, /"path" must not be empty/],
    ['missing content', 'worker', { tool: 'write_file', args: { path: 'a' } }, /"content" must be a string/],
    ['empty edit search', 'worker', { tool: 'edit_file', args: { path: 'a', search: '', replace: 'b' } }, /"search" must not be empty/],
    ['regex not boolean', 'worker', { tool: 'search', args: { query: 'q', regex: 'yes' } }, /"regex" must be true or false/],
    ['unexpected argument', 'orchestrator', { tool: 'accept', args: { really: true } }, /unexpected argument "really"/],
    ['overlong command', 'worker', { tool: 'run', args: { command: 'x'.repeat(FIELD_LIMITS.command + 1) } }, /longer than/],
    ['unknown tool', 'worker', { tool: 'rm_rf', args: {} }, /Use one of: list_files/],
  ];
  for (const [name, role, json, message] of bad) {
    it(`gives a clear error for ${name}`, () => {
      const parsed = parseAction(role, json);
      assert.equal(parsed.ok, false);
      assert.match(!parsed.ok ? parsed.error : '', message);
    });
  }

  it('allows what is legitimately empty: the root listing, an empty file, a finish without words', () => {
    assert.equal(parseAction('worker', { tool: 'list_files', args: { path: '' } }).ok, true);
    assert.equal(parseAction('worker', { tool: 'write_file', args: { path: 'a', content: '' } }).ok, true);
    assert.equal(parseAction('orchestrator', { tool: 'finish', args: { summary: '' } }).ok, true);
  });
});
