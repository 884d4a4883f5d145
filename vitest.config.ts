import { defineConfig } from 'vitest/config';

// Unit tests sit next to the code (`*.test.ts`); tests needing real Mosquitto/InfluxDB or a
// browser live under test/ and expect the services scripts/test.sh started (see its env vars).
/** Browser tests that measure time (render, alarm latency, link-loss detection): run alone. */
const TIMED_E2E = ['test/e2e/figures.test.ts', 'test/e2e/figures.real.test.ts', 'test/e2e/link.loss.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['contract/**/*.test.ts', 'server/**/*.test.ts', 'simulator/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
          // Two at a time: vitest's default (cores - 1) is one worker on a two-core machine, and these
          // files spend most of their time importing, with fake clocks and nothing timed.
          maxWorkers: 2,
          // One module graph per worker instead of one per file: most of these files import the same
          // server modules, and importing them again for each file was two thirds of the time. They
          // hold no module-level state between tests (shuffled runs pass).
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // The dashboard's own: isolated, as React hooks keep module-level state (useNow's clock).
          name: 'unit-client',
          include: ['client/**/*.test.{ts,tsx}'],
          environment: 'node',
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two files at a time: each starts its own Mosquitto, InfluxDB and Vigil on free ports
          // and spends most of its time waiting on them, so two overlap well even on two cores.
          maxWorkers: 2,
          // One PostgreSQL server for the files that need one, not one per file.
          globalSetup: ['test/support/postgres.global.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          exclude: TIMED_E2E,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two browser files at a time, like the integration tests: each starts its own stack
          // and Chromium and mostly waits on them.
          maxWorkers: 2,
          sequence: { groupOrder: 2 },
        },
      },
      {
        test: {
          name: 'figures',
          include: TIMED_E2E,
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // One at a time and after everything else: these time the dashboard and the link.
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
