import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Temporal's native bridge is not safe in worker threads: one process per test file.
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    include: ['test/**/*.test.ts'],
    // The second prints a plain "tests: N passed, N failed" line that any CI log reader understands.
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
