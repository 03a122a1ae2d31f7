import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: keep file-level parallelism modest so the servers' tests do not starve each other.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      // Browser code: exercised by the Chromium tests (test/dashboard/browser.test.ts), not loaded in Node.
      exclude: ['src/dashboard/web/**'],
      reporter: ['text-summary', 'text'],
      thresholds: { lines: 80 },
    },
  },
});
