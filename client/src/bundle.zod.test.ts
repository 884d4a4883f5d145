// The dashboard ships no zod. It validates nothing with it (the server validates what it
// receives), yet zod and the contract's schemas were ~32 KB gzip of the 350 KB the dashboard's
// JavaScript may weigh (test/e2e/figures.real.test.ts): one value imported from a module that
// builds schemas at its top level (contract/alarm.ts, auth.ts, drill.ts, ...) brings that module's
// schemas and zod into the bundle, since the bundler must run them. The client imports values from
// the contract's zod-free modules instead (alarm-constants.ts, roles.ts, device-kinds.ts, ...).
//
// This follows the imports the bundle is built from, from main.tsx through every lazy page:
// static and dynamic imports, not `import type` nor `type` names (erased), a declaration whose
// every name is a `type` counted as loading its module (verbatimModuleSyntax keeps it).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ENTRY = fileURLToPath(new URL('./main.tsx', import.meta.url));
const ROOT = path.resolve(path.dirname(ENTRY), '../..');

/** The specifiers a file loads when it runs. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) found.push((node.moduleSpecifier as ts.StringLiteral).text);
    else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) found.push((node.moduleSpecifier as ts.StringLiteral).text);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Every package the bundle's own modules load, with the chain of files that leads to it. */
function packagesReached(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const via = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const chain = via.get(file)!;
    for (const spec of runtimeImports(file)) {
      if (!spec.startsWith('.')) {
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!packages.has(name)) packages.set(name, chain);
        continue;
      }
      const target = path.resolve(path.dirname(file), spec);
      if (!/\.tsx?$/.test(target) || via.has(target)) continue;
      via.set(target, [...chain, target]);
      queue.push(target);
    }
  }
  return packages;
}

describe("the dashboard's bundle", () => {
  const packages = packagesReached(ENTRY);
  const shown = (chain: string[] | undefined): string => (chain ?? []).map((f) => path.relative(ROOT, f)).join(' → ');

  it('follows the imports to the packages the dashboard is built from', () => {
    // The walk itself works: a lazy page's library (recharts, loaded by the charts) is reached.
    expect([...packages.keys()]).toEqual(expect.arrayContaining(['react', 'react-dom', 'socket.io-client', 'recharts']));
  });

  it('loads no zod: values come from the zod-free modules of contract/', () => {
    expect(shown(packages.get('zod')), 'a run-time import chain from main.tsx to zod').toBe('');
  });
});
