// A file's bytes as of a commit, as they would appear in a checkout (smudge and eol filters applied),
// so they compare equal to an untouched file in the user's tree even with core.autocrlf.
import { gitExec } from './git-exec.js';

/** The file at `commit`, or null when it does not exist there. */
export async function fileAtCommit(cwd: string, commit: string, path: string): Promise<Buffer | null> {
  const result = await gitExec(['cat-file', '--filters', `${commit}:${path}`], { cwd });
  return result.code === 0 ? result.stdout : null;
}
