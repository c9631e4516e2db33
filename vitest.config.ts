import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'web/src/**/*.test.ts'],
    // Database suites share one PostgreSQL server; each file opens its own schema.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
