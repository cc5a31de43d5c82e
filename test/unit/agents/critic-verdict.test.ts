// The critic's verdict: what the parser accepts, what it refuses, and when a verdict passes a result.
import assert from 'node:assert/strict';
import { parseAction } from '../../../daemon/src/agents/action-parser.js';
import { FIELD_LIMITS, schemaFor } from '../../../daemon/src/agents/action-schemas.js';
import { verdictPasses } from '../../../daemon/src/agents/critic-verdict.js';
import type { CriticVerdict } from '../../../daemon/src/protocol/types.js';
import { parseSettingsUpdate } from '../../../daemon/src/services/settings-update.js';

const good: CriticVerdict = { score: 4, does_what_was_asked: true, tests_pass: 'pass', no_unrelated_changes: true, rationale: 'adds the flag' };

describe('critic verdict', () => {
  it('parses a verdict, and refuses a wrong score, a missing criterion, an extra field or another tool', () => {
    assert.deepEqual(parseAction('critic', { tool: 'verdict', args: good }), { ok: true, action: { tool: 'verdict', args: good } });
    const refused = (value: unknown) => {
      const parsed = parseAction('critic', value);
      assert.equal(parsed.ok, false, JSON.stringify(value));
      return parsed.ok ? '' : parsed.error;
    };
    assert.match(refused({ tool: 'verdict', args: { ...good, score: 6 } }), /score/);
    assert.match(refused({ tool: 'verdict', args: { ...good, tests_pass: 'maybe' } }), /tests_pass/);
    const { rationale: _r, ...noRationale } = good;
    assert.match(refused({ tool: 'verdict', args: noRationale }), /rationale/);
    assert.match(refused({ tool: 'verdict', args: { ...good, extra: 1 } }), /unexpected argument "extra"/);
    assert.match(refused({ tool: 'accept', args: {} }), /only action is verdict/);
  });

  it('passes a result only with a score of 4 or more and no failed criterion', () => {
    assert.equal(verdictPasses(good), true);
    assert.equal(verdictPasses({ ...good, tests_pass: 'not_run' }), true);
    assert.equal(verdictPasses({ ...good, score: 3 }), false);
    assert.equal(verdictPasses({ ...good, tests_pass: 'fail' }), false);
    assert.equal(verdictPasses({ ...good, does_what_was_asked: false }), false);
    assert.equal(verdictPasses({ ...good, score: 5, no_unrelated_changes: false }), false);
  });

  it('is generated under a schema with the score as an enum and a bounded rationale', () => {
    const schema = schemaFor('critic', { ...FIELD_LIMITS, summary: 40 }) as { oneOf: { properties: { args: { properties: Record<string, Record<string, unknown>> } } }[] };
    const args = schema.oneOf[0]!.properties.args.properties;
    assert.deepEqual(args.score, { enum: [1, 2, 3, 4, 5] });
    assert.deepEqual(args.rationale, { type: 'string', maxLength: 40 });
  });

  it('takes the critic and attempts switches from a settings update, refusing bad values whole', () => {
    assert.deepEqual(parseSettingsUpdate({ critic: true, attempts: 3 }), { ok: true, update: { critic: true, attempts: 3 } });
    assert.match((parseSettingsUpdate({ critic: 'yes' }) as { message: string }).message, /"critic" must be true or false/);
    assert.match((parseSettingsUpdate({ critic: true, attempts: 9 }) as { message: string }).message, /"attempts" must be a whole number from 1 to 8/);
    assert.match((parseSettingsUpdate({ attempts: 1.5 }) as { message: string }).message, /attempts/);
  });
});
