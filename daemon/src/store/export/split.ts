// Train/validation split by task: a task's records all land on one side, so validation never
// holds a conversation the model trained on. The side is a hash of the task id: the same store
// exported twice splits the same way.
import { createHash } from 'node:crypto';

export type SplitName = 'train' | 'validation';

export function splitOf(taskId: string, trainFraction: number): SplitName {
  const digest = createHash('sha256').update(taskId).digest();
  const position = digest.readUInt32BE(0) / 0x1_0000_0000; // uniform in [0, 1)
  return position < trainFraction ? 'train' : 'validation';
}
