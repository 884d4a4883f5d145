/**
 * vitest globalSetup of the integration tests: one PostgreSQL server for every test file of the
 * run that needs one (`postgresServer()` of postgres.ts), instead of an initdb and a server start
 * per file. Started only when a selected file uses PostgreSQL, and only when it is installed (without
 * it, those files start their own and fail saying how to install it).
 */
import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { postgresInstalled, startPostgres, type PostgresHandle } from './postgres.ts';

/** What a test file imports to get PostgreSQL: the store contract helpers, a cluster, or postgres.ts itself. */
const USES_POSTGRES = /from '\.\.\/support\/(?:stores|cluster|postgres)\.ts'/;

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!postgresInstalled()) return undefined;
  // The file filters of the command line (vitest keeps them internal; without them, every file counts).
  const filters = (project.vitest as unknown as { filenamePattern?: string[] }).filenamePattern;
  const { testFiles } = await project.globTestFiles(filters ?? []);
  if (!testFiles.some((file) => USES_POSTGRES.test(fs.readFileSync(file, 'utf8')))) return undefined;
  let server: PostgresHandle;
  try {
    server = await startPostgres();
  } catch (err) {
    // Thrown from here it would stop every test of the run: the files that need PostgreSQL start
    // their own instead, and fail with the reason themselves.
    console.warn(`test: no shared PostgreSQL server (${(err as Error).message}); each file starts its own`);
    return undefined;
  }
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
