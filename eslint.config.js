// Lint rules that keep the architecture honest: the layers of
// docs/architecture.md#layers-and-what-may-import-what, checked on every import, plus type-aware
// rules for mistakes the compiler lets through (a forgotten await, a switch that misses a case).
// scripts/lint.rules.test.ts shows each rule firing.
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Libraries that talk to infrastructure: only adapters import them (and the simulator and the
// tests, which act as devices and clients from outside).
const infraLibs = ['mqtt', 'aedes', 'influx', '@influxdata/*', 'socket.io', 'better-sqlite3', 'nodemailer', 'pg', 'pg-*', 'redis', 'ioredis', '@redis/*'];
const infraPattern = {
  group: infraLibs,
  message: 'Infrastructure libraries are imported only in server/src/adapters/ (ports and adapters).',
};
const noTestsPattern = { regex: '(?:^|/)test/', message: 'Production code never imports test/.' };
const testSupportOnly = { regex: '(?:^|/)test/(?!support/)', message: 'Tests import test helpers from test/support/ only.' };

// Cross-cutting modules at the top of server/src that adapters and routers may use.
const serverKernel = ['server/src/logger.ts', 'server/src/errors.ts', 'server/src/metrics.ts', 'server/src/log-limiter.ts'];

// What each layer may import besides its own folder tree (paths from the repository root).
// Test files (`*.test.ts(x)`) in a layer may import test/support/ as well.
const layers = [
  { dir: 'contract', may: [], infra: false, why: 'contract/ imports nothing of ours.' },
  { dir: 'server/src/domain', may: ['contract'], infra: false, why: 'The domain is pure: it imports contract/ only.' },
  {
    dir: 'server/src/services',
    may: ['contract', 'server/src/domain'],
    infra: false,
    why: 'Services import the domain, contract/ and ports (declared in services/), never adapters/ or http/.',
  },
  {
    dir: 'server/src/adapters',
    may: ['contract', 'server/src/domain', 'server/src/services', ...serverKernel],
    infra: true,
    why: 'Adapters import anything but http/ (and never the composition roots that construct them).',
  },
  {
    dir: 'server/src/http',
    may: ['contract', 'server/src/domain', 'server/src/services', ...serverKernel],
    infra: false,
    why: 'Routers call services through their ports, never adapters/.',
  },
  { dir: 'client', may: ['contract'], infra: false, why: 'The dashboard imports contract/ only, never server/ or test/.' },
  // The simulator is a device: it may use mqtt, never server code.
  { dir: 'simulator', may: ['contract'], infra: true, why: 'The simulator imports contract/ only, never server/ or test/.' },
];

// Every import of ours is relative, so whether it leaves a layer depends only on how deep the
// importing file sits in it: `../` once more than its depth leaves the layer's folder, and where
// it lands is known from the depth alone (the names of the folders in between do not matter).
// One block per depth turns the table above into a regex for the built-in no-restricted-imports.
// Files deeper than MAX_DEPTH below a layer's folder would go unchecked; none is deeper than 3.
const MAX_DEPTH = 8;
const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function layerBlocks({ dir, may, infra, why }) {
  const blocks = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const folder = path.posix.join(dir, ...Array(depth).fill('x'));
    const files = `${dir}${'/*'.repeat(depth)}/*`;
    const leaves = `(?:\\.\\./){${depth + 1}}`;
    const pattern = (allowed) => {
      const targets = allowed.map((target) => escapeRegex(path.posix.relative(folder, target)));
      const except = targets.length > 0 ? `(?!(?:${targets.join('|')})(?:/|$))` : '';
      return { regex: `^${except}${leaves}`, message: why };
    };
    const rule = (allowed) => ['error', { patterns: [pattern(allowed), ...(infra ? [] : [infraPattern])] }];
    blocks.push(
      { files: [`${files}.{ts,tsx}`], rules: { 'no-restricted-imports': rule(may) } },
      { files: [`${files}.test.{ts,tsx}`], rules: { 'no-restricted-imports': rule([...may, 'test/support']) } },
    );
  }
  return blocks;
}

const typeChecked = {
  files: ['**/*.ts', '**/*.tsx'],
  languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
  rules: {
    '@typescript-eslint/no-floating-promises': 'error',
    '@typescript-eslint/no-misused-promises': 'error',
    // A `default:` must not hide a missing case (considerDefaultExhaustiveForUnions: false): a
    // member added to a union later has to be handled wherever the union is switched on, and
    // with `true` a default would swallow it silently. A default stays allowed in an exhaustive
    // switch, for data that crossed a boundary and can hold what its type says it cannot (there
    // it should end in `value satisfies never` and throw). A switch over an open type (string,
    // number) can never list every case, so it must say what happens to the rest.
    '@typescript-eslint/switch-exhaustiveness-check': [
      'error',
      { considerDefaultExhaustiveForUnions: false, allowDefaultCaseForExhaustiveSwitch: true, requireDefaultForNonUnion: true },
    ],
  },
};

export default tseslint.config(
  { ignores: ['node_modules/', 'client/dist/', '.vigil/', 'data/', 'test/artifacts/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  typeChecked,
  // The composition roots (main.ts, compose/, cli.ts, cli/) wire everything together and may
  // import any of our folders; the modules beside them at the top of server/src are shared.
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-imports': ['error', { patterns: [infraPattern, noTestsPattern] }],
    },
  },
  {
    files: ['server/src/**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [infraPattern, testSupportOnly] }] },
  },
  ...layers.flatMap(layerBlocks),
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
