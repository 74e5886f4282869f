import { defineConfig } from 'vitest/config';

// Node unit tests of pure code and of tfjs on its CPU backend; browser code is tested by Playwright (e2e/).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
