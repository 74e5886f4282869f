// Copies the pretrained MobileNetV3 CenterNet (from the npm package @vladmandic/human, MIT) into the served
// assets, so the app never fetches a model from the network at run time. Run by `npm start`, `npm run build`, the
// browser tests, and every command that opens the headless harness (scripts/lib/browser_session.ts).
import { copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
let modelsDir;
try {
  // The package's exports map hides package.json; its entry lives in dist/, beside models/.
  modelsDir = join(dirname(require.resolve('@vladmandic/human')), '..', 'models');
} catch {
  console.error('The backbone comes from the npm package @vladmandic/human: run `npm ci` first.');
  process.exit(1);
}
const target = join(repoRoot, 'public', 'backbone');
mkdirSync(target, { recursive: true });
for (const file of ['centernet.json', 'centernet.bin']) {
  const from = join(modelsDir, file);
  const to = join(target, file);
  if (!existsSync(from)) {
    console.error(`Missing ${from}: reinstall @vladmandic/human.`);
    process.exit(1);
  }
  if (!existsSync(to) || statSync(to).size !== statSync(from).size) {
    // copied beside, then renamed: a server or a second command reading the file never sees half of it
    const part = `${to}.${process.pid}.part`;
    copyFileSync(from, part);
    renameSync(part, to);
  }
}
