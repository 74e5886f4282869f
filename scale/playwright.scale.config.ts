import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

// The browser half of `npm run test:scale` (scripts/test_scale.sh): the model a torchrun smoke run just wrote,
// uploaded in the page and detecting. Its own config because the main suite (testDir e2e/) has no such model; run
// without the files below, it fails here, naming what is missing, instead of skipping.
const SCALE_ENV = {
  FRCNN_SCALE_MODEL: 'the directory with model.json + weights.bin written by scale/train.py',
  FRCNN_SCALE_IMAGE: 'the image to detect on, one of the bundle',
  FRCNN_SCALE_EXPECTED: "scale/detect.py's detections.json for that image at the page's thresholds (--score-threshold 0.05)",
} as const;

const missing = Object.entries(SCALE_ENV).filter(([name]) => !process.env[name]);
if (missing.length > 0) {
  throw new Error(`scale/playwright.scale.config.ts needs ${missing.map(([name, what]) => `${name} (${what})`).join(', ')}; ` +
    'scripts/test_scale.sh sets them after its torchrun run (npm run test:scale).');
}

const server = base.webServer;
if (!server || Array.isArray(server)) throw new Error('playwright.config.ts: expected one webServer to reuse');

export default defineConfig({
  ...base,
  testDir: 'e2e',
  globalSetup: '../scripts/lib/require_shared.mjs',
  outputDir: `../test-results/scale-port-${process.env.PW_PORT ?? 'default'}`,
  timeout: 90_000,
  webServer: { ...server, cwd: '..' }, // Vite serves the repository root, not scale/
});
