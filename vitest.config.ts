// One vitest run for the whole workspace (vitest 4 projects):
//   core           pure unit tests of packages/core
//   server-pglite  server tests on embedded PGlite
//   server-pg      the same server tests on a real PostgreSQL server the global setup starts
//                  (or XINYU_TEST_PG_URL)
// Run one with `npx vitest run --project server-pg [file]`.
import os from 'node:os';
import { defineConfig } from 'vitest/config';

// Each PGlite database costs ~400 MB and a CPU while it starts: a few workers at most.
const workers =
  Number(process.env.XINYU_TEST_WORKERS) ||
  Math.max(1, Math.min(os.availableParallelism(), 4, Math.floor(os.totalmem() / 2 ** 30 / 1.5)));

const serverProject = (kind: 'pglite' | 'pg') => ({
  extends: true as const,
  test: {
    name: `server-${kind}`,
    include: ['packages/server/**/*.test.ts'],
    environment: 'node',
    env: { XINYU_TEST_DB: kind },
    globalSetup: ['packages/server/src/db/test-global-setup.ts'],
    // one module graph per worker, not per file: importing the app for every file cost ~190 s of
    // the run. Each file still builds its own app on its own fresh database; module-level state must
    // be keyed by database (tests of both projects pass this way).
    isolate: false,
  },
});

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', '**/dist/**', '**/.tmp/**', 'e2e/**', 'bench/**'],
    maxWorkers: workers,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'core', include: ['packages/core/**/*.test.ts'], environment: 'node' },
      },
      serverProject('pglite'),
      serverProject('pg'),
    ],
  },
});
