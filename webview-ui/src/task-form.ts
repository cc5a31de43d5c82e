// The "start a task" form: a prompt and the repository it is for.
import { h } from './dom.js';

export class TaskForm {
  private readonly prompt = h('textarea', { id: 'prompt', rows: '3', placeholder: 'Describe the change you want…', 'aria-label': 'Task prompt' });
  private readonly repo = h('select', { id: 'repo', 'aria-label': 'Repository' });
  private readonly start = h('button', { id: 'start', type: 'submit' }, 'Start task');
  readonly element = h('form', { class: 'task-form', 'aria-label': 'Start a task' },
    h('label', { for: 'prompt' }, 'Task'), this.prompt,
    h('label', { for: 'repo' }, 'Repository'), this.repo,
    this.start);

  constructor(onSubmit: (prompt: string, repoPath: string) => Promise<void>) {
    this.element.addEventListener('submit', (event) => {
      event.preventDefault();
      const prompt = this.prompt.value.trim();
      if (!prompt || !this.repo.value) return;
      this.start.disabled = true;
      onSubmit(prompt, this.repo.value)
        .then(() => { this.prompt.value = ''; })
        .finally(() => { this.start.disabled = false; });
    });
    // Ctrl/Cmd+Enter submits from the prompt, as in VS Code's own inputs.
    this.prompt.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) this.element.requestSubmit();
    });
  }

  setFolders(folders: { name: string; path: string }[]): void {
    this.repo.replaceChildren(...folders.map((f) => h('option', { value: f.path }, `${f.name} — ${f.path}`)));
  }
}
