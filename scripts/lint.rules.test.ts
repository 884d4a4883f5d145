/**
 * The layer rules of docs/architecture.md#layers-and-what-may-import-what and the type-aware
 * rules hold only because `eslint.config.js` says so. Each case lints one snippet as if it were a
 * file at the given path, through the real config, and names the rule it expects; its legal twin
 * shows the rule is not simply flagging everything. A config edit that drops or loosens a rule
 * fails here instead of letting the next violation through `npm run check`.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

// The probes exist only in memory, so tsconfig.json's project cannot list them: the one override
// lets the type-aware rules check them in a project of their own with tsconfig.json's compiler
// options. Everything else — every rule and which files it applies to — is eslint.config.js as is.
const PROBES = [
  'contract/lint-probe.ts',
  'server/src/*/lint-probe.ts',
  'server/src/*/lint-probe.test.ts',
  'server/src/domain/*/lint-probe.ts',
  'client/src/*/LintProbe.tsx',
  'client/src/*/lint-probe.test.ts',
  'simulator/src/*/lint-probe.ts',
];
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfig: {
    files: PROBES,
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: PROBES,
          defaultProject: 'tsconfig.json',
          // One file per probe path below; the default cap of 8 guards real projects, not this.
          maximumDefaultProjectFileMatchCount_THIS_WILL_SLOW_DOWN_LINTING: 32,
        },
      },
    },
  },
});

/** The rule ids reported for `code` linted as `file` (a parse error shows as `fatal: …`). */
async function ruleIds(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const importOf = (specifier: string): string => `import * as probe from '${specifier}';\nexport const used = probe;\n`;

// Type-aware linting builds the TypeScript program once (several seconds on a busy machine).
const SLOW = 60_000;

describe('layer boundaries (no-restricted-imports)', () => {
  it.each([
    ['a domain file importing an adapter', 'server/src/domain/lint-probe.ts', '../adapters/sqlite.database.ts'],
    ['a nested domain file importing an adapter', 'server/src/domain/alarm/lint-probe.ts', '../../adapters/sqlite.database.ts'],
    ['a domain file importing a service', 'server/src/domain/alarm/lint-probe.ts', '../../services/clock.ts'],
    ['a services file importing an adapter', 'server/src/services/lint-probe.ts', '../adapters/sqlite.database.ts'],
    ['a services file importing http', 'server/src/services/lint-probe.ts', '../http/parse.ts'],
    ['a router importing an adapter', 'server/src/http/lint-probe.ts', '../adapters/sqlite.database.ts'],
    ['an adapter importing http', 'server/src/adapters/lint-probe.ts', '../http/parse.ts'],
    ['a client file importing server code', 'client/src/components/LintProbe.tsx', '../../../server/src/domain/registry.ts'],
    ['a simulator file importing server code', 'simulator/src/run/lint-probe.ts', '../../../server/src/domain/registry.ts'],
    ['contract importing server code', 'contract/lint-probe.ts', '../server/src/domain/registry.ts'],
    ['production code importing test helpers', 'server/src/services/lint-probe.ts', '../../../test/support/fake.scheduler.ts'],
    ['the composition root importing test helpers', 'server/src/compose/lint-probe.ts', '../../../test/support/fake.scheduler.ts'],
    ['a unit test importing a test outside test/support/', 'server/src/compose/lint-probe.test.ts', '../../../test/e2e/fake.vigil.ts'],
    ['a client test importing server code', 'client/src/live/lint-probe.test.ts', '../../../server/src/domain/registry.ts'],
    ['a service importing an infrastructure library', 'server/src/services/lint-probe.ts', 'better-sqlite3'],
    ['a router importing an infrastructure library', 'server/src/http/lint-probe.ts', 'socket.io'],
  ])(
    'refuses %s',
    async (_what, file, specifier) => {
      expect(await ruleIds(file, importOf(specifier))).toEqual(['no-restricted-imports']);
    },
    SLOW,
  );

  it.each([
    ['a domain file importing contract/', 'server/src/domain/alarm/lint-probe.ts', '../../../../contract/index.ts'],
    ['a domain file importing its own tree', 'server/src/domain/alarm/lint-probe.ts', '../decoders/index.ts'],
    ['a services file importing the domain and its own ports', 'server/src/services/lint-probe.ts', '../domain/registry.ts'],
    ['a router importing a service', 'server/src/http/lint-probe.ts', '../services/clock.ts'],
    ['an adapter importing a service port', 'server/src/adapters/lint-probe.ts', '../services/history.ports.ts'],
    ['an adapter importing an infrastructure library', 'server/src/adapters/lint-probe.ts', 'better-sqlite3'],
    ['the composition root importing an adapter', 'server/src/compose/lint-probe.ts', '../adapters/sqlite.database.ts'],
    ['a client file importing contract/', 'client/src/components/LintProbe.tsx', '../../../contract/index.ts'],
    ['a unit test importing test/support/', 'server/src/services/lint-probe.test.ts', '../../../test/support/fake.scheduler.ts'],
    ['a composition-root test importing test/support/', 'server/src/compose/lint-probe.test.ts', '../../../test/support/fake.scheduler.ts'],
  ])(
    'allows %s',
    async (_what, file, specifier) => {
      expect(await ruleIds(file, importOf(specifier))).toEqual([]);
    },
    SLOW,
  );
});

describe('type-aware rules', () => {
  it(
    'reports a promise nobody awaits or catches (@typescript-eslint/no-floating-promises)',
    async () => {
      const code = (call: string) => `async function store(): Promise<void> {}\nexport async function handle(): Promise<void> {\n  ${call};\n}\n`;
      expect(await ruleIds('server/src/services/lint-probe.ts', code('store()'))).toEqual(['@typescript-eslint/no-floating-promises']);
      expect(await ruleIds('server/src/services/lint-probe.ts', code('await store()'))).toEqual([]);
    },
    SLOW,
  );

  it(
    'reports a switch over a union that misses a case, even behind a default (@typescript-eslint/switch-exhaustiveness-check)',
    async () => {
      const code = (cases: string) =>
        `type Kind = 'gas' | 'smoke' | 'door';\nexport function rank(kind: Kind): number {\n  switch (kind) {\n${cases}\n  }\n}\n`;
      const missingDoor = `    case 'gas':\n      return 1;\n    case 'smoke':\n      return 2;\n    default:\n      return 0;`;
      const everyCase = `    case 'gas':\n      return 1;\n    case 'smoke':\n      return 2;\n    case 'door':\n      return 3;`;
      expect(await ruleIds('server/src/domain/lint-probe.ts', code(missingDoor))).toEqual(['@typescript-eslint/switch-exhaustiveness-check']);
      expect(await ruleIds('server/src/domain/lint-probe.ts', code(everyCase))).toEqual([]);
    },
    SLOW,
  );

  it(
    'reports a switch over an open type without a default (@typescript-eslint/switch-exhaustiveness-check)',
    async () => {
      const code = (rest: string) =>
        `export function rank(kind: string): number {\n  switch (kind) {\n    case 'gas':\n      return 1;\n${rest}  }\n  return 0;\n}\n`;
      expect(await ruleIds('server/src/domain/lint-probe.ts', code(''))).toEqual(['@typescript-eslint/switch-exhaustiveness-check']);
      expect(await ruleIds('server/src/domain/lint-probe.ts', code('    default:\n      return -1;\n'))).toEqual([]);
    },
    SLOW,
  );

  it(
    'reports a promise passed where a plain callback is expected (@typescript-eslint/no-misused-promises)',
    async () => {
      const code = (handler: string) =>
        `async function store(): Promise<void> {}\nexport function onTick(run: (cb: () => void) => void): void {\n  run(${handler});\n}\n`;
      expect(await ruleIds('server/src/services/lint-probe.ts', code('async () => store()'))).toEqual(['@typescript-eslint/no-misused-promises']);
      expect(await ruleIds('server/src/services/lint-probe.ts', code('() => void store().catch(() => undefined)'))).toEqual([]);
    },
    SLOW,
  );
});

describe('formatting (prettier --check)', () => {
  it('reports code that is not formatted the way the repository formats it', async () => {
    const file = path.join(ROOT, 'server/src/domain/lint-probe.ts');
    const options = { ...(await prettier.resolveConfig(file)), filepath: file };
    const unformatted = "export const x = {a:1,  b:'two'}\n";
    expect(await prettier.check(unformatted, options)).toBe(false);
    expect(await prettier.check(await prettier.format(unformatted, options), options)).toBe(true);
  });
});
