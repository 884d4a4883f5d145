// Lint rules that keep the architecture honest (STYLE.md "Boundaries enforced by the linter").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const infraLibs = ['mqtt', 'aedes', 'influx', '@influxdata/*', 'socket.io', 'better-sqlite3'];
const infraMessage = 'Infrastructure libraries are imported only in server/src/adapters/ (ports and adapters).';

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
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['server/src/adapters/**', 'test/**', 'scripts/**', 'simulator/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: infraLibs, message: infraMessage }] }],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    rules: {
      'no-console': 'error',
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**'], message: 'The dashboard imports contract/, never server/.' },
            { group: infraLibs, message: infraMessage },
          ],
        },
      ],
    },
  },
  {
    // The simulator talks to Vigil like a device (MQTT/HTTP): it may use mqtt, never server code.
    files: ['simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**'], message: 'The simulator imports contract/, never server/.' }] }],
    },
  },
  {
    files: ['contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**', '**/client/**', '**/simulator/**'], message: 'contract/ imports nothing else of ours.' }] },
      ],
    },
  },
);
