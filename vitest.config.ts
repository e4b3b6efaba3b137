import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the `@lucid-ts/source` export
// condition, so tests never need a prior build.
const conditions = ['@lucid-ts/source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/conformance/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
    ],
    environment: 'node',
    pool: 'threads',
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
