// The demo's sample project: a small shopping-cart module with a real bug (quantities are ignored in
// the total) and a test that catches it, committed to a fresh git repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'sample-cart', version: '1.0.0', type: 'module', scripts: { test: 'node --test' } }, null, 2)}\n`,
  'README.md': '# sample-cart\n\nPrices for a shopping cart. `npm test` runs the tests.\n',
  'src/cart.js': `// Totals for a shopping cart. Prices are in cents to avoid rounding errors.

export function lineTotal(item) {
  return item.price; // BUG: ignores item.quantity
}

export function cartTotal(items, discountPercent = 0) {
  const subtotal = items.reduce((sum, item) => sum + lineTotal(item), 0);
  return Math.round(subtotal * (1 - discountPercent / 100));
}
`,
  'test/cart.test.js': `import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cartTotal, lineTotal } from '../src/cart.js';

test('a line costs its price times its quantity', () => {
  assert.equal(lineTotal({ price: 250, quantity: 3 }), 750);
});

test('the total applies the discount to the sum of the lines', () => {
  assert.equal(cartTotal([{ price: 1000, quantity: 2 }, { price: 500, quantity: 1 }], 10), 2250);
});
`,
};

/** Different wordings of the same job, so each attempt is a task of its own. */
export const DEMO_PROMPTS: readonly string[] = [
  'Fix the bug in src/cart.js so that the tests in test/cart.test.js pass.',
  'lineTotal in src/cart.js ignores the quantity; make it multiply price by quantity.',
  'The cart total is wrong when an item has a quantity above one. Fix it.',
  'Make `npm test` pass: the line total must be price times quantity.',
  'Repair cartTotal so that quantities count towards the subtotal.',
  'A customer buying 3 items at 250 cents is charged 250. Fix src/cart.js.',
];

export function demoPrompt(attempt: number): string {
  const wording = DEMO_PROMPTS[attempt % DEMO_PROMPTS.length]!;
  return attempt < DEMO_PROMPTS.length ? wording : `${wording} (attempt ${attempt + 1})`;
}

/** A new repository under `parent` (never reusing an old one, whose tasks may still be in review). */
export function createSampleRepo(parent: string): string {
  mkdirSync(parent, { recursive: true });
  const repo = mkdtempSync(join(parent, 'sample-repo-'));
  for (const [path, content] of Object.entries(FILES)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Tandem Demo');
  git('config', 'user.email', 'demo@tandem.invalid');
  git('config', 'commit.gpgsign', 'false');
  git('add', '-A');
  git('commit', '-q', '-m', 'Cart totals (with a bug: quantities are ignored)');
  return repo;
}
