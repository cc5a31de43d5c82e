import assert from 'node:assert/strict';
import { boundStrings } from '../../../daemon/src/runtime/action-grammar.js';
import { TOOL_RESULT_PREFIX, toChatHistory } from '../../../daemon/src/runtime/chat-history.js';
import { chooseThreads } from '../../../daemon/src/runtime/thread-count.js';

describe('runtime parts', () => {
  it('bounds every unbounded string field and leaves bounded ones, enums and consts alone', () => {
    const schema = {
      type: 'object',
      properties: {
        tool: { enum: ['a', 'b'] },
        args: { type: 'object', properties: { text: { type: 'string' }, short: { type: 'string', maxLength: 5 }, kind: { type: 'string', const: 'x' } } },
        list: { type: 'array', items: { type: 'string' } },
      },
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON tree walked by key
    const bounded = boundStrings(schema, 100) as any;
    assert.equal(bounded.properties.args.properties.text.maxLength, 100);
    assert.equal(bounded.properties.args.properties.short.maxLength, 5);
    assert.equal(bounded.properties.args.properties.kind.maxLength, undefined);
    assert.equal(bounded.properties.list.items.maxLength, 100);
    assert.deepEqual(bounded.properties.tool, { enum: ['a', 'b'] });
    assert.equal((schema.properties.args.properties.text as Record<string, unknown>).maxLength, undefined, 'the input is not changed');
  });

  it('maps tool results to user turns that say so, and assistant turns to model responses', () => {
    const history = toChatHistory([
      { role: 'system', content: 's' }, { role: 'user', content: 'u' }, { role: 'assistant', content: '{"tool":"run"}' }, { role: 'tool', content: 'ok' },
    ]);
    assert.deepEqual(history, [
      { type: 'system', text: 's' }, { type: 'user', text: 'u' }, { type: 'model', response: ['{"tool":"run"}'] }, { type: 'user', text: `${TOOL_RESULT_PREFIX}ok` },
    ]);
  });

  it('takes threads from the option, then TANDEM_THREADS, then the cores less one', () => {
    assert.deepEqual(chooseThreads(3, { TANDEM_THREADS: '2' }), { threads: 3, source: 'option' });
    assert.deepEqual(chooseThreads(null, { TANDEM_THREADS: '2' }), { threads: 2, source: 'TANDEM_THREADS' });
    const fromCores = chooseThreads(null, {});
    assert.equal(fromCores.source, 'cores');
    assert.ok(fromCores.threads >= 1);
    assert.throws(() => chooseThreads(0, {}), /must be a whole number of threads, 1 or more/);
    assert.throws(() => chooseThreads(null, { TANDEM_THREADS: 'many' }), /TANDEM_THREADS must be/);
  });
});
