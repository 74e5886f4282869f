/**
 * Paths typed on the command line are the user's, relative to where they ran `npm run …` (npm's INIT_CWD), not to
 * the repository root that npm switches to before running a script.
 */
import { resolve } from 'node:path';

export function userPath(path: string, cwd: string = process.env.INIT_CWD ?? process.cwd()): string {
  return resolve(cwd, path);
}
