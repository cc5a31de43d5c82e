// Child process of the crash test: records steps in a loop and acknowledges each one on stdout
// only after the recorder returned, i.e. after its transaction committed. It never stops by itself.
import type { ChatTurn } from '../../../daemon/src/agents/ports.js';
import { openStore } from '../../../daemon/src/store/open-store.js';
import { StoreTrajectoryRecorder } from '../../../daemon/src/store/trajectory-recorder.js';
import { SYSTEM_PROMPT, workerStep } from './sample-trajectory.js';

const store = openStore(process.argv[2]!);
const recorder = new StoreTrajectoryRecorder(store);
recorder.startTask({ taskId: 'crash', prompt: 'loop', repoPath: '/tmp/crash-repo', baseCommit: 'c'.repeat(40), branch: 'b', promptVersion: 'p1', baseModelSha: 'base' });
const messages: ChatTurn[] = [{ role: 'system', content: SYSTEM_PROMPT }];
for (let i = 0; ; i++) {
  const output = `{"tool":"read_file","args":{"path":"file-${i}.ts"}}`;
  const stepId = recorder.recordStep(workerStep('crash', null, messages, output));
  recorder.recordToolCall(stepId, { tool: 'read_file', args: { path: `file-${i}.ts` }, ok: true, result: `contents of ${i}\n`.repeat(i % 50), durationMs: 1 });
  process.stdout.write(`ack ${stepId} ${i}\n`); // synchronous for pipes on Linux
  messages.push({ role: 'assistant', content: output }, { role: 'tool', content: `contents of ${i}\n`.repeat(i % 50) });
  if (messages.length > 40) messages.splice(1, 2);
}
