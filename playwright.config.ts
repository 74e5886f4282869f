import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './scripts/lib/chromium';

// Browser tests: Debian Chromium, headless, WebGPU through SwiftShader, pages served by Vite on localhost.
// PW_PORT lets two checkouts run their browser tests side by side.
const PORT = Number(process.env.PW_PORT ?? 5183);

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  workers: 1, // two cores: SwiftShader already uses both
  retries: 0,
  // Under CI (.ci/run sets CI=true): a forgotten `test.only` fails the run, and the web server is always our own.
  forbidOnly: !!process.env.CI,
  // One clear error when ../shared (data sets, golden files) is missing, before any spec file loads.
  globalSetup: './scripts/lib/require_shared.mjs',
  reporter: [['list']],
  // Per port, so two runs side by side do not delete each other's traces.
  outputDir: process.env.PW_PORT ? `test-results/port-${PORT}` : 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
    screenshot: 'only-on-failure',
    // Recording a trace costs about a third more CPU in every test (DOM snapshots; measured on ui_detect + ui_train
    // back to back: 86-98 CPU-s with it, 63-73 without), and the browser tests are CPU-bound on two cores. CI keeps the
    // screenshot and error-context.md of a failure; rerun a failing spec locally, or with --trace on, for its trace.
    trace: process.env.CI ? 'off' : 'retain-on-failure',
  },
  webServer: {
    command: `FRCNN_NO_HMR=1 npx vite --port ${PORT} --strictPort`,
    url: `http://127.0.0.1:${PORT}/e2e/harness/index.html`,
    reuseExistingServer: !process.env.CI,
    timeout: 120_000,
  },
});
