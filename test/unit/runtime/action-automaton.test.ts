// The constrained decoder's pure parts: schemas compiled to patterns, what a pattern forces, which choices
// it offers, which token texts it accepts, and how a token that does not fit is repaired.
import assert from 'node:assert/strict';
import { schemaFor, WORKER_TOOLS, workerSchema } from '../../../daemon/src/agents/action-schemas.js';
import { buildCriticSchema } from '../../../daemon/src/agents/critic-verdict.js';
import { advance, choiceStrings, fallbackChar, forcedText, initialState, isComplete, type ActionState } from '../../../daemon/src/runtime/action-automaton.js';
import { compileActionPattern } from '../../../daemon/src/runtime/action-pattern.js';
import { repairText } from '../../../daemon/src/runtime/constrained-decoding.js';
import { SeededRandom } from '../../../daemon/src/runtime/seeded-random.js';

const worker = () => initialState(compileActionPattern(workerSchema, 4096)!);
const after = (state: ActionState, text: string): ActionState => {
  const next = advance(state, text);
  assert.ok(next, `the pattern allows ${JSON.stringify(text)}`);
  return next;
};

describe('action patterns (constrained decoding)', () => {
  it('compiles every role schema, and refuses shapes it cannot hold to the schema', () => {
    for (const role of ['orchestrator', 'worker', 'critic'] as const) assert.ok(compileActionPattern(schemaFor(role), 4096), role);
    assert.equal(compileActionPattern({ type: 'string', pattern: '^a+$' }, 10), null);
    assert.equal(compileActionPattern({ type: 'object', properties: { a: { type: 'number' } } }, 10), null);
    assert.equal(compileActionPattern({ type: 'array', items: { type: 'string' }, minItems: 1 }, 10), null);
    assert.equal(compileActionPattern({ type: 'object', additionalProperties: { type: 'string' } }, 10), null);
  });

  it("forces the text the worker's schema fixes, and leaves the tool name and string contents to the model", () => {
    const start = worker();
    assert.equal(forcedText(start), '{"tool":"');
    const atName = after(start, '{"tool":"');
    assert.deepEqual(choiceStrings(atName)!.map((choice) => choice.split('"')[0]).sort(), [...WORKER_TOOLS].sort());
    // "re" is read_file only once the third letter is in; "w" is write_file at once.
    assert.equal(forcedText(after(atName, 'w')), 'rite_file","args":{"path":"');
    assert.equal(forcedText(after(atName, 're')), 'ad_file","args":{"path":"');
    assert.equal(forcedText(after(atName, 'r')), '');
    const inPath = after(atName, 'write_file","args":{"path":"');
    assert.equal(forcedText(inPath), '');
    assert.equal(choiceStrings(inPath), null, 'string contents are open');
    assert.equal(forcedText(after(inPath, 'a.ts"')), ',"content":"');
    const closed = after(inPath, 'a.ts","content":"x"');
    assert.equal(forcedText(closed), '}}');
    assert.ok(isComplete(after(closed, '}}')));
    assert.equal(advance(after(closed, '}}'), ' '), null, 'nothing follows a whole action');
  });

  it('offers true/false and null-or-digits as what they are: a choice, and open digits', () => {
    const atRegex = after(worker(), '{"tool":"search","args":{"query":"x","regex":');
    assert.deepEqual(choiceStrings(atRegex)!.sort(), ['false}}', 'true}}']);
    assert.equal(forcedText(after(atRegex, 't')), 'rue}}');
    const atLine = after(worker(), '{"tool":"read_file","args":{"path":"a","start_line":');
    assert.equal(choiceStrings(atLine), null, 'an integer or null: the digits are open');
    assert.equal(forcedText(after(atLine, 'n')), 'ull,"end_line":');
    assert.equal(forcedText(after(atLine, '0')), ',"end_line":', 'no digit follows a leading zero');
    assert.ok(after(atLine, '120,"end_line":null}}'));
    assert.equal(advance(atLine, '01'), null);
  });

  it('holds strings to JSON: escapes, no raw control characters, no cut character, at most maxLength characters', () => {
    const inQuery = after(worker(), '{"tool":"search","args":{"query":"');
    assert.ok(advance(inQuery, 'a\\n\\"\\u00e9 詳細 🎉'));
    for (const bad of ['\n', '\t', '\\x', '\\u12g', '\uFFFD']) assert.equal(advance(inQuery, bad), null, JSON.stringify(bad));
    const state = initialState(compileActionPattern({ type: 'string', maxLength: 3 }, 4096)!);
    assert.ok(advance(state, '"🎉\\n"'), 'an emoji counts as 2 (as JavaScript and the action parser count), an escape as 1');
    assert.equal(advance(state, '"🎉ab'), null);
    assert.equal(advance(state, '"abcd'), null);
    assert.ok(isComplete(advance(state, '"abc"')!));
  });

  it('forces literals with characters outside the BMP whole', () => {
    const state = initialState(compileActionPattern({ const: 'a🎉b' }, 10)!);
    assert.equal(forcedText(state), '"a🎉b"');
    assert.ok(isComplete(after(state, '"a🎉b"')));
  });

  it('bounds arrays by maxItems and forces the close when full', () => {
    const state = initialState(compileActionPattern({ type: 'array', items: { type: 'string', maxLength: 2 }, maxItems: 2 }, 4096)!);
    assert.equal(forcedText(state), '[');
    assert.deepEqual(choiceStrings(after(state, '['))!.sort(), ['"', ']']);
    assert.equal(forcedText(after(state, '["a","b"')), ']');
    assert.equal(advance(state, '["a","b",'), null);
  });

  it('compiles const, enum and mixed-type values as the JSON they stand for', () => {
    const critic = initialState(compileActionPattern(buildCriticSchema(50), 4096)!);
    assert.equal(forcedText(critic), '{"tool":"verdict","args":{"score":');
    const atScore = after(critic, '{"tool":"verdict","args":{"score":');
    assert.deepEqual(choiceStrings(atScore)!.map((choice) => choice[0]).sort(), ['1', '2', '3', '4', '5']);
    assert.equal(advance(atScore, '6'), null);
  });

  it('repairs a token that does not fit by keeping its intent: the part that fits, an escaped control character, else the way out', () => {
    const inPath = after(worker(), '{"tool":"write_file","args":{"path":"');
    assert.equal(repairText(inPath, 'a.ts"}'), 'a.ts"', 'a quote closes the string; what the schema does not allow after it is dropped');
    assert.equal(repairText(inPath, '\n  x'), '\\n', 'a raw newline becomes its escape');
    assert.equal(repairText(inPath, '\uFFFD'), '"', 'a cut character: the string closes');
    assert.equal(repairText(inPath, ''), '"', 'an end token inside a string: the string closes');
    const afterBackslash = after(inPath, 'a\\');
    assert.ok(advance(afterBackslash, repairText(afterBackslash, 'q')));
    const atLine = after(worker(), '{"tool":"read_file","args":{"path":"a","start_line":');
    assert.equal(repairText(atLine, '12abc'), '12');
    assert.equal(repairText(atLine, 'abc'), 'n', 'null is the way out of a nullable number');
  });

  it('reaches a whole action from any state by forced text and fallback characters alone', () => {
    // Whatever a model writes, the decoder can always finish: from states reached by random text the pattern
    // allowed, taking only forced text and fallback characters completes the action within a bound.
    const random = new SeededRandom(7);
    const alphabet = ['"', '\\', 'n', 'u', '0', '1', 'a', ' ', ',', '}', ']', 't', 'r', 'e', 'w', 'l', 'd', 's'];
    for (const role of ['orchestrator', 'worker', 'critic'] as const) {
      for (let trial = 0; trial < 40; trial++) {
        let state = initialState(compileActionPattern(schemaFor(role), 4096)!);
        for (let step = 0; step < 60 && !isComplete(state); step++) {
          const forced = forcedText(state);
          if (forced) { state = after(state, forced); continue; }
          const char = alphabet[Math.floor(random.next() * alphabet.length)]!;
          state = advance(state, char) ?? after(state, fallbackChar(state));
        }
        let steps = 0;
        while (!isComplete(state)) {
          const forced = forcedText(state);
          state = after(state, forced || fallbackChar(state));
          assert.ok(++steps < 200, `${role}: the way out ends`);
        }
      }
    }
  });
});
