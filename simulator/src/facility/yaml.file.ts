/**
 * Reads a YAML file and validates it with a zod schema, reporting every problem as
 * `file:line: path: message` — the same approach as the server's facility loader (which the
 * simulator may not import; the line lookup and the zod issue mapping are shared, in
 * contract/yaml-location.ts and contract/zod-problems.ts), so a bad scenario or registry is fixed
 * in one pass.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { formatPath, yamlLineOf } from '../../../contract/yaml-location.ts';

export type PathSegment = string | number;

export interface FileProblem {
  path: PathSegment[];
  message: string;
}

/** A parsed document that can still tell the line of any path in it. */
export interface LocatedYaml {
  file: string;
  data: unknown;
  lineOf(path: readonly PathSegment[]): number | null;
}

/** `file:line: path: message`, one line per problem, sorted by line. */
export function formatProblems(doc: Pick<LocatedYaml, 'file' | 'lineOf'>, problems: readonly FileProblem[]): string[] {
  return problems
    .map((p) => ({ line: doc.lineOf(p.path), p }))
    .sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity))
    .map(({ line, p }) => `${doc.file}${line === null ? '' : `:${line}`}: ${formatPath(p.path)}: ${p.message}`);
}

/** Parses a YAML file; a read or syntax error is returned as a problem list instead. */
export function readYaml(file: string): LocatedYaml | string[] {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [`${file}: cannot read: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`];
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) return [`${file}:${lineCounter.linePos(first.pos[0]).line}: (yaml syntax): ${first.message}`];
  return {
    file,
    data: doc.toJS({ maxAliasCount: 1000 }),
    lineOf: (path) => yamlLineOf(doc, lineCounter, path),
  };
}
