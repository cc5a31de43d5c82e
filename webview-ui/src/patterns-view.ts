// The Patterns view: what the agents fail at, as a small table (label, count, kinds, a bar per adapter
// version, example tasks that open in the timeline). Clustering embeds every failure with the base
// model, so it runs when asked (Find patterns), not on every panel load.
import type { FailurePatternsResult } from '../../daemon/src/protocol/failure-patterns.js';
import { h } from './dom.js';
import { patternRows, patternsSummary } from './patterns-model.js';

export class PatternsView {
  readonly element: HTMLElement;
  private readonly body = h('div', { class: 'patterns-body' });
  private readonly button = h('button', { type: 'button' }, 'Find failure patterns');

  constructor(private readonly load: () => Promise<FailurePatternsResult>, private readonly openTask: (taskId: string) => void) {
    this.button.addEventListener('click', () => void this.refresh());
    this.element = h('section', { class: 'patterns', 'aria-labelledby': 'patterns-heading' },
      h('h2', { id: 'patterns-heading' }, 'Failure patterns'), this.button, this.body);
  }

  async refresh(): Promise<void> {
    this.button.disabled = true;
    this.body.replaceChildren(h('p', { role: 'status' }, 'Embedding and clustering recorded failures…'));
    try {
      this.render(await this.load());
    } catch (error) {
      this.body.replaceChildren(h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error)));
    } finally {
      this.button.disabled = false;
    }
  }

  render(result: FailurePatternsResult): void {
    const rows = patternRows(result);
    const summary = h('p', {}, patternsSummary(result));
    if (rows.length === 0) return this.body.replaceChildren(summary);
    const table = h('table', { class: 'patterns-table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Pattern'), h('th', {}, 'Count'), h('th', {}, 'By adapter version'), h('th', {}, 'Examples'))),
      h('tbody', {}, ...rows.map((row) => h('tr', { 'data-pattern': String(row.id) },
        h('td', { title: row.kinds }, `${row.id}. ${row.label}`),
        h('td', { class: 'count' }, String(row.count)),
        h('td', {}, h('span', { class: 'trend', role: 'img', 'aria-label': row.bars.map((b) => `${b.version}: ${b.count}`).join(', ') },
          ...row.bars.map((bar) => {
            const element = h('span', { class: 'bar', title: `${bar.version}: ${bar.count}` });
            element.style.height = `${Math.max(bar.height, 2)}%`; // CSSOM: the CSP allows no inline style attributes
            return element;
          }))),
        h('td', {}, ...row.exampleTaskIds.map((taskId) => {
          const link = h('button', { type: 'button', class: 'link' }, taskId);
          link.addEventListener('click', () => this.openTask(taskId));
          return link;
        }))))));
    this.body.replaceChildren(summary, table);
  }
}
