// The shared folder every checkout needs beside it (../shared): data sets and golden files the tests read in place.
// Without it the suites would crash while loading or skip silently; this says so once, up front, instead.
// Plain JavaScript so that .ci/run can call it before `npm ci` (`node scripts/lib/require_shared.mjs`), and the
// global setup of Vitest (vitest.config.ts) and of Playwright (playwright.config.ts).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the tests look for the shared folder: beside the repository, as `../shared` (fixed, relative paths). */
export const SHARED_DIR = resolve(repoRoot, '..', 'shared');

/** What the tests read from it. */
export const SHARED_ENTRIES = [
  'datasets/bccd/Annotations',
  'datasets/bccd/JPEGImages',
  'datasets/bccd/ImageSets/Main/test.txt',
  'datasets/bccd/ImageSets/Main/trainval.txt',
  'datasets/raccoon/annotations',
  'datasets/raccoon/images',
  'datasets/raccoon/test_labels.csv',
  'datasets/raccoon/train_labels.csv',
  'golden/nms.json',
  'golden/voc_ap.json',
  'golden/roi_pool.json',
];

/** The entries missing from `dir`, in SHARED_ENTRIES order. */
export function missingSharedEntries(dir = SHARED_DIR) {
  return SHARED_ENTRIES.filter((entry) => !existsSync(join(dir, entry)));
}

/** One message that says where we looked and what to put there; null when everything is in place. */
export function sharedFolderProblem(dir = SHARED_DIR) {
  const missing = missingSharedEntries(dir);
  if (missing.length === 0) return null;
  const what = existsSync(dir) ? `${dir} lacks ${missing.join(', ')}` : `${dir} does not exist`;
  return [
    `The tests need the project's shared folder beside the checkout, and ${what}.`,
    `Put the shared folder at ${dir} (a copy or a symlink: ln -s /path/to/shared ${dir}). It holds`,
    'datasets/bccd/ (VOC devkit: Annotations/, JPEGImages/, ImageSets/Main/), datasets/raccoon/ (images/,',
    'annotations/, train_labels.csv, test_labels.csv) and golden/ (nms.json, voc_ap.json, roi_pool.json).',
  ].join('\n');
}

/** Global setup for Vitest and Playwright: stops the run before any test file loads. */
export default function requireShared() {
  const problem = sharedFolderProblem();
  if (problem) throw new Error(problem);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const problem = sharedFolderProblem();
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
}
