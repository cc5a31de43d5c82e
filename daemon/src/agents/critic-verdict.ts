// The critic's one action: a verdict on a worker's result, generated under a grammar so it always has
// a score from 1 to 5, a pass/fail (or not run) per criterion, and a short rationale. The parser checks
// what the grammar cannot: a scripted or cut-off generation may not match the shape at all.
import type { GbnfJsonSchema } from 'node-llama-cpp';
import type { CriticAction, CriticVerdict } from '../protocol/types.js';
import type { ActionSchema } from './ports.js';

export const CRITIC_TOOLS = ['verdict'] as const;
export const CRITIC_SCORES = [1, 2, 3, 4, 5] as const;
export const TEST_OUTCOMES = ['pass', 'fail', 'not_run'] as const;

/** A result passes when its score is at least this and no criterion failed. */
export const CRITIC_PASS_SCORE = 4;

export function buildCriticSchema(rationaleLength: number): ActionSchema {
  return {
    oneOf: [{
      type: 'object',
      properties: {
        tool: { const: 'verdict' },
        args: {
          type: 'object',
          properties: {
            score: { enum: [...CRITIC_SCORES] },
            does_what_was_asked: { type: 'boolean' },
            tests_pass: { enum: [...TEST_OUTCOMES] },
            no_unrelated_changes: { type: 'boolean' },
            rationale: { type: 'string', maxLength: rationaleLength },
          },
        },
      },
    }],
  } satisfies GbnfJsonSchema;
}

/** Whether a verdict passes the result: a good score and no failed criterion. */
export function verdictPasses(verdict: CriticVerdict): boolean {
  return verdict.score >= CRITIC_PASS_SCORE && verdict.does_what_was_asked && verdict.tests_pass !== 'fail' && verdict.no_unrelated_changes;
}

export type ParsedVerdict = { ok: true; action: CriticAction } | { ok: false; tool: string | null; error: string };

export function parseCriticAction(value: Record<string, unknown>, rationaleLength: number): ParsedVerdict {
  const tool = typeof value.tool === 'string' ? value.tool : null;
  if (tool !== 'verdict') return { ok: false, tool, error: `Unknown tool "${String(value.tool)}". The critic's only action is verdict.` };
  const args = value.args;
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return { ok: false, tool, error: '"args" of verdict must be a JSON object.' };
  const a = args as Record<string, unknown>;
  const extra = Object.keys(a).filter((key) => !['score', 'does_what_was_asked', 'tests_pass', 'no_unrelated_changes', 'rationale'].includes(key));
  if (extra.length > 0) return { ok: false, tool, error: `verdict: unexpected argument ${extra.map((k) => `"${k}"`).join(', ')}.` };
  if (!(CRITIC_SCORES as readonly unknown[]).includes(a.score)) return { ok: false, tool, error: 'verdict: "score" must be 1, 2, 3, 4 or 5.' };
  if (typeof a.does_what_was_asked !== 'boolean') return { ok: false, tool, error: 'verdict: "does_what_was_asked" must be true or false.' };
  if (!(TEST_OUTCOMES as readonly unknown[]).includes(a.tests_pass)) return { ok: false, tool, error: 'verdict: "tests_pass" must be "pass", "fail" or "not_run".' };
  if (typeof a.no_unrelated_changes !== 'boolean') return { ok: false, tool, error: 'verdict: "no_unrelated_changes" must be true or false.' };
  if (typeof a.rationale !== 'string' || a.rationale.length > rationaleLength) {
    return { ok: false, tool, error: `verdict: "rationale" must be a string of at most ${rationaleLength} characters.` };
  }
  return {
    ok: true,
    action: {
      tool: 'verdict',
      args: {
        score: a.score as CriticVerdict['score'],
        does_what_was_asked: a.does_what_was_asked,
        tests_pass: a.tests_pass as CriticVerdict['tests_pass'],
        no_unrelated_changes: a.no_unrelated_changes,
        rationale: a.rationale,
      },
    },
  };
}
