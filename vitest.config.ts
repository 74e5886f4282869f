import { defineConfig } from 'vitest/config';

// Node unit tests of pure code and of tfjs on its CPU backend; browser code is tested by Playwright (e2e/).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    // Two files at a time: Vitest's default on two cores is one, and the run is mostly module loading and
    // single-threaded tfjs cpu (86 s with one worker, 58 s with two, 55 s with three, on this 2-core machine).
    maxWorkers: 2,
    // One clear error when ../shared (data sets, golden files) is missing, before any test file loads.
    globalSetup: ['scripts/lib/require_shared.mjs'],
    // Under CI (.ci/run sets CI=true) a forgotten `.only` fails the run instead of skipping every other test.
    allowOnly: !process.env.CI,
  },
});
