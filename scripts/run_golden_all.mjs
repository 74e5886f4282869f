// Runs every golden conformance check (`npm run test:golden`, part of `npm test`): one
// `npx vite-node scripts/check_golden.ts -- <file> [args]` per entry below, output streamed as it comes,
// exit status 1 if any run fails (or its golden file is missing).
// The golden files are read where they live, in the shared folder: $SHARED_DIR, else ../shared beside the repo.

// ============================ GOLDEN RUNS: extend this list ============================
// file:  a file in <shared>/golden/
// args:  extra arguments for check_golden.ts (e.g. ['--backend', 'webgpu'])
// needs: optional repo path; the run is skipped (and says so) until that file exists
const GOLDEN_RUNS = [
  { file: 'nms.json', args: [] },
  { file: 'voc_ap.json', args: [] },
  // RoI pooling on every backend: cpu in Node, webgpu and webgl in headless Chromium
  { file: 'roi_pool.json', args: ['--backend', 'cpu'] },
  { file: 'roi_pool.json', args: ['--backend', 'webgpu'] },
  { file: 'roi_pool.json', args: ['--backend', 'webgl'] },
];
// ======================================================================================

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const goldenDir = join(resolve(repoRoot, process.env.SHARED_DIR ?? '../shared'), 'golden');
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

/** Runs one check with inherited stdio (so its lines stream through); resolves to its exit status. */
function runCheck(path, args) {
  return new Promise((done) => {
    const child = spawn(npx, ['vite-node', 'scripts/check_golden.ts', '--', path, ...args], { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', (error) => {
      console.error(`could not start vite-node: ${error.message}`);
      done(1);
    });
    child.on('close', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

const failed = [];
let ran = 0;
for (const { file, args, needs } of GOLDEN_RUNS) {
  const title = [file, ...args].join(' ');
  if (needs && !existsSync(join(repoRoot, needs))) {
    console.log(`\n== ${title}: skipped, ${needs} does not exist yet`);
    continue;
  }
  console.log(`\n== ${title}`);
  const path = join(goldenDir, file);
  ran++;
  if (!existsSync(path)) {
    console.log(`FAIL ${path}: missing (set SHARED_DIR to the folder that holds golden/)`);
    failed.push(title);
    continue;
  }
  if ((await runCheck(path, args)) !== 0) failed.push(title);
}
console.log(`\ngolden: ${ran - failed.length} of ${ran} runs passed${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exitCode = failed.length === 0 ? 0 : 1;
