import { defineConfig } from 'vitest/config';

// Browser tests: one fork, one file at a time (each file starts its own server and chromium),
// with timeouts that leave room for a cold dashboard build and the demo shop.
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    globalSetup: ['e2e/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
