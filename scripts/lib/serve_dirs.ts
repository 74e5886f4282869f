/**
 * What the headless harness's Vite server may serve (server.fs.allow): the repository and the directories a
 * command names, nothing else. Pure: no Vite, no file system access, so it is unit-tested in Node.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/** The URL under which Vite serves a file from anywhere on disk (if the allow list admits it). */
export function fsUrl(path: string): string {
  return `/@fs${resolve(path)}`;
}

/** The file path behind an `fsUrl`, or undefined for any other URL. */
export function fsPathOfUrl(url: string): string | undefined {
  return url.startsWith('/@fs/') ? url.slice('/@fs'.length) : undefined;
}

/** True when `path` is `dir` or lies inside it (both absolute). */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * The allow list: `repoRoot`, then each of `serveDirs` resolved against the cwd, each once. A directory that lies
 * inside one already listed adds nothing and is left out; a parent is never added for a child.
 */
export function harnessAllowList(repoRoot: string, serveDirs: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const dir of [repoRoot, ...serveDirs].map((d) => resolve(d))) {
    if (out.some((kept) => isInside(dir, kept))) continue;
    // a parent of directories already listed replaces them (only ever when a command names it)
    for (let i = out.length - 1; i >= 0; i--) if (i > 0 && isInside(out[i], dir)) out.splice(i, 1);
    out.push(dir);
  }
  return out;
}

/** The directories that hold the given files (resolved, each once, in first-seen order). */
export function directoriesOf(files: Iterable<string>): string[] {
  return [...new Set([...files].map((file) => dirname(resolve(file))))];
}

type Images = readonly { readonly url: string }[];

/** The folders of the image files a train/eval job's page fetches: what the harness serves beside the repository. */
export function jobImageDirs(job: { readonly train: Images; readonly test: Images; readonly validation?: Images }): string[] {
  return directoriesOf([...job.train, ...(job.validation ?? []), ...job.test].flatMap((image) => fsPathOfUrl(image.url) ?? []));
}
