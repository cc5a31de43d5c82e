// Recorded work for the flywheel (the loop test, `npm run bench -- loop` and `tandem demo --loop`):
// tasks run through the real agent loop, into a real store file
// (TANDEM_HOME's tandem.db) and real git worktrees, reviewed by a scripted reviewer. The orchestrator's
// behaviour the reviewer approves is one fixed action the tiny model can learn in a few minutes of CPU:
// delegate "Write NOTES.md". Half the tasks are approved at once; the other half first
// delegate something else, are rejected with a reason, and are approved in round 2 (a preference pair).
// The model behind the scripts reports the real runtime's context size, token counts and base model,
// so compaction and the prompts are exactly what the daemon would give llama-tiny.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../agents/agent-config.js';
import type { GenerateRequest, GenerateResult, ModelPort } from '../agents/ports.js';
import { runRound, runTask, type RoundResult } from '../agents/task-runner.js';
import { createWorkerTools } from '../agents/tools/tool-executor.js';
import type { Role } from '../protocol/types.js';
import { openStore } from '../store/open-store.js';
import { ReviewRecorder } from '../store/review-recorder.js';
import { StoreTrajectoryRecorder } from '../store/trajectory-recorder.js';
import { createTaskWorktree } from '../workspace/task-worktree.js';
import { initFlywheelRepo } from './flywheel-repo.js';

// llama-tiny's 512-piece vocabulary spells these nearly letter by letter, and 40 CPU steps teach it little more
// than which piece follows which. So no piece of the approved instruction is followed by different pieces
// elsewhere in the approved answers (the old "Add NOTES.md that says checked." next to a "Wrote NOTES.md." summary
// decoded greedily as "… NOTES.md.md.md …"), and the finish summary shares none of its pieces.
export const APPROVED_DELEGATE = { tool: 'delegate', args: { instruction: 'Write NOTES.md', files: [] as string[] } };
// Shorter than the approved one, so the base model (near-uniform per token) prefers it: preference accuracy
// starts at 0 by construction, not by what random weights happen to like.
const WRONG_DELEGATE = { tool: 'delegate', args: { instruction: 'TODO.md', files: [] as string[] } };
export const APPROVED_TEXT = JSON.stringify(APPROVED_DELEGATE);

const REPO_FILES = { 'README.md': '# Sample\n', 'src/app.ts': 'export const answer = 42;\n' };

/** Task prompts; the split by task id decides which are held out. */
export const TASK_PROMPTS = [
  'Document the sample project.', 'Note what was checked in this repository.', 'Leave a note about the review.',
  'Record that the code was checked.', 'Add a short note for the team.', 'Write down that the answer is fine.',
  'Mark the project as checked.', 'Say in a file that the code looks good.', 'Add a notes file for later readers.',
  'Confirm the sample was reviewed.', 'Put a checked note in the repository.', 'Explain the status in a note.',
  'Tell readers the code was checked.', 'Keep a note that all is well.', 'Add the review note.', 'Note the check.',
];

/** Replays each role's script as generated text; costs and limits come from the real runtime. */
class ScriptedOnRuntime implements ModelPort {
  private calls: Record<Role, number> = { orchestrator: 0, worker: 0, critic: 0 };
  constructor(private readonly runtime: ModelPort, private readonly scripts: Record<Role, object[]>) {}
  get baseModelSha(): string { return this.runtime.baseModelSha; }
  contextSize(role: Role): number { return this.runtime.contextSize(role); }
  countTokens(text: string): number { return this.runtime.countTokens(text); }
  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const action = this.scripts[request.role][this.calls[request.role]++];
    if (!action) throw new Error(`the ${request.role} script ran out`);
    const text = JSON.stringify(action);
    return {
      text, action, adapter: { role: request.role, version: null, sha256: null },
      tokensIn: 0, tokensOut: this.runtime.countTokens(text), tokensReused: 0, latencyMs: 1, stopReason: 'stop',
    };
  }
}

const round = (delegate: object, file: string, content: string): Record<Role, object[]> => ({
  orchestrator: [delegate, { tool: 'accept', args: {} }, { tool: 'finish', args: { summary: 'Done' } }],
  worker: [{ tool: 'write_file', args: { path: file, content } }, { tool: 'done', args: { summary: `wrote ${file}` } }],
  critic: [],
});

export interface RecordedTask { taskId: string; prompt: string; rejectedFirst: boolean }

/** Records the tasks into `${home}/tandem.db`; repos and worktrees live under `home` too. */
export async function recordFlywheelTasks(home: string, runtime: ModelPort, prompts: string[]): Promise<RecordedTask[]> {
  const store = openStore(join(home, 'tandem.db'));
  const recorder = new StoreTrajectoryRecorder(store);
  const reviewer = new ReviewRecorder(store);
  const tools = createWorkerTools({ allowlist: () => [], limits: { runTimeoutMs: 10_000 } });
  const recorded: RecordedTask[] = [];
  try {
    for (const [i, prompt] of prompts.entries()) {
      const taskId = `flywheel-${i}`;
      const repo = join(home, 'repos', taskId);
      mkdirSync(repo, { recursive: true });
      initFlywheelRepo(repo, REPO_FILES);
      const workspace = await createTaskWorktree({ repoPath: repo, taskId, worktreesDir: join(home, 'worktrees') });
      const spec = { taskId, prompt, repoPath: repo };
      // The worker's reply budget is cut so its prompt fits llama-tiny's 2048 positions; the orchestrator's,
      // whose prompts are what trains, stay the daemon's defaults.
      const config = { maxTokens: { orchestrator: DEFAULT_CONFIG.maxTokens.orchestrator, worker: 256 } };
      const deps = (scripts: Record<Role, object[]>) => ({ model: new ScriptedOnRuntime(runtime, scripts), recorder, workspace, tools, config });
      const review = (result: RoundResult, verdict: 'approve' | 'reject', reason?: string) => {
        if (result.state !== 'review' || result.diffId === null || !result.diff) throw new Error(`task ${taskId} ended in ${result.state}, not review: ${result.detail}`);
        for (const file of result.diff.files) reviewer.recordReview(taskId, result.diffId, { path: file.path, verdict, ...(reason ? { reason } : {}) });
      };
      const rejectedFirst = i % 2 === 1;
      if (rejectedFirst) {
        review(await runTask(deps(round(WRONG_DELEGATE, 'TODO.md', 'later\n')), spec), 'reject', 'Write NOTES.md, nothing else.');
        review(await runRound(deps(round(APPROVED_DELEGATE, 'NOTES.md', 'checked\n')), spec, { round: 2, feedback: 'Write NOTES.md, nothing else.' }), 'approve');
      } else {
        review(await runTask(deps(round(APPROVED_DELEGATE, 'NOTES.md', 'checked\n')), spec), 'approve');
      }
      recorded.push({ taskId, prompt, rejectedFirst });
    }
  } finally {
    store.close();
  }
  return recorded;
}
