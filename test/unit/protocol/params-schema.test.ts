// The params schema builder: what it accepts and the field it names when it refuses; that a schema
// must match its declaration's params type (checked by the compiler below); and that every request
// the daemon binds carries one.
import assert from 'node:assert/strict';
import { DaemonShutdown } from '../../../daemon/src/protocol/daemon-lifecycle.js';
import { request, TaskSubscribe, TaskUnsubscribe } from '../../../daemon/src/protocol/messages.js';
import { s } from '../../../daemon/src/protocol/params-schema.js';
import { serviceRequests } from '../../../daemon/src/server.js';

const review = s.object({
  taskId: s.string(),
  files: s.array(s.object({ path: s.string(), hunks: s.optional(s.array(s.number())) })),
  retry: s.boolean(),
  version: s.nullable(s.number()),
  role: s.optional(s.oneOf(['orchestrator', 'worker'] as const)),
  allowed: s.optional(s.record(s.nullable(s.array(s.string())))),
}, 'the review');

describe('params schema', () => {
  const good = { taskId: 't', files: [{ path: 'a' }, { path: 'b', hunks: [0, 2] }], retry: false, version: null };

  it('accepts a value of its type, optional fields absent or present', () => {
    assert.equal(review.check(good, ''), null);
    assert.equal(review.check({ ...good, role: 'worker', version: 3, allowed: { '/r': ['npm test'], '/s': null } }, ''), null);
  });

  it('names the field that does not fit, however deep', () => {
    const cases: [unknown, string][] = [
      ['text', 'the review must be an object (got "text")'],
      [[good], 'the review must be an object (got an array)'],
      [{ ...good, taskId: 7 }, '"taskId" must be a string (got 7)'],
      [{ files: [], retry: true, version: 1 }, '"taskId" is required'],
      [{ ...good, files: [{ path: 'a' }, { path: 'b', hunks: [1, 'x'] }] }, '"files[1].hunks[1]" must be a number (got "x")'],
      [{ ...good, files: [{ path: 'a', verdict: 'ok' }] }, '"files[0].verdict" is not a field of "files[0]"'],
      [{ ...good, retry: 'yes' }, '"retry" must be a boolean (got "yes")'],
      [{ ...good, version: undefined }, '"version" must be a number (got undefined)'],
      [{ ...good, role: 'critic' }, '"role" must be one of orchestrator, worker (got "critic")'],
      [{ ...good, allowed: { '/r': 'npm test' } }, '"allowed["/r"]" must be an array (got "npm test")'],
      [{ ...good, extra: 1 }, '"extra" is not a field of the review'],
    ];
    for (const [value, message] of cases) assert.equal(review.check(value, ''), message, JSON.stringify(value));
  });

  it('takes no params as absent, null, {} or [], and nothing else', () => {
    for (const value of [undefined, null, {}, []]) assert.equal(s.none().check(value, ''), null);
    assert.equal(s.none().check({ a: 1 }, ''), 'this request takes no params (got an object)');
  });

  it('refuses non-finite numbers', () => {
    assert.match(s.number().check(Number.NaN, 'n') ?? '', /"n" must be a number/);
  });

  it('does not compile a declaration whose schema differs from its params type', () => {
    // Each line below is a compile error that tsc (run by npm test) requires to stay one.
    // @ts-expect-error a field of the params type is missing from the schema
    request<{ a: string; b: number }, void>()('x/missing-field', s.object({ a: s.string() }));
    // @ts-expect-error a field has another type
    request<{ a: string }, void>()('x/wrong-type', s.object({ a: s.number() }));
    // @ts-expect-error an optional field declared required
    request<{ a?: string }, void>()('x/required', s.object({ a: s.string() }));
    // @ts-expect-error no schema at all
    request<{ a: string }, void>()('x/none');
    const fine = request<{ a?: string; b: 'x' | 'y' }, void>()('x/fine', s.object({ a: s.optional(s.string()), b: s.oneOf(['x', 'y'] as const) }));
    assert.equal(fine.method, 'x/fine');
  });

  it('is carried by every request the daemon binds', () => {
    const bound = [...Object.values(serviceRequests), TaskSubscribe, TaskUnsubscribe, DaemonShutdown];
    for (const type of bound) assert.equal(typeof type.paramsSchema?.check, 'function', `${type.method} has no params schema`);
    assert.ok(bound.length >= 20);
  });
});
