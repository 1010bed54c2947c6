import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        // The pure core's tests share no state, so one process imports the modules once for all of them.
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false },
      },
      {
        extends: true,
        // Integration, reliability and end-to-end tests: each file in a fresh process.
        test: { name: 'integration', include: ['test/**/*.test.ts'], exclude: ['test/unit/**', 'test/bench/**', 'node_modules/**'] },
      },
    ],
  },
});
