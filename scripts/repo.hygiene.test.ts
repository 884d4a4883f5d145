/**
 * The repository explains itself (CONTRIBUTING.md "Comments say why, not what"): a reader who
 * clones it has the code and docs/, nothing else. So no tracked file may cite design notes, style
 * guides or issue numbers that live outside it, every relative link in the docs must lead to a
 * file (and section) that exists, and every `docs/<file>.md#<section>` a comment points to must too.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
/** This file: it holds examples of what it refuses. */
const SELF = 'scripts/repo.hygiene.test.ts';

/** Text files whose comments (or prose) could cite something; generated and binary files are not read. */
const SCANNED = /\.(ts|tsx|js|mjs|cjs|sh|ya?ml|conf|css|html|md)$|(^|\/)Dockerfile$/;

/**
 * Citations of what a clone does not contain: the external design and style notes, the shared
 * reference folder, and numbered issues of the project's tracker. (Upstream references such as
 * "MQTT.js #691" name a public project and are fine.)
 */
const CITATIONS: readonly { what: string; pattern: RegExp }[] = [
  { what: 'external design notes', pattern: /\bDESIGN\.md\b/ },
  { what: 'external style guide', pattern: /\bSTYLE\.md\b/ },
  { what: 'external shared folder', pattern: /(^|[^\w-])(\.\.\/)*shared\// },
  { what: 'external reference files', pattern: /\breference\/(README\.md|influxdb\.conf|mosquitto\.conf)\b/ },
  { what: 'an issue number', pattern: /\bissues?\s+#?\d+/i },
  { what: 'an issue number', pattern: /\(\s*#\d+\s*\)|\bissue\s+#\w/i },
  { what: 'an issue by name', pattern: /\b(foundation|parent|tracking) issue\b|\bthe issue's\b|\bissue note\b/i },
];

/** Every line citing something a clone does not have, as `file:line: text`. */
export function findCitations(file: string, text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    const hit = CITATIONS.find((c) => c.pattern.test(line));
    if (hit) found.push(`${file}:${i + 1}: ${hit.what}: ${line.trim().slice(0, 160)}`);
  });
  return found;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slugOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Markdown without fenced code blocks and inline code, where brackets are not links. */
function proseOf(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** Anchors of a markdown file's headings (a repeated heading gets -1, -2, … as on GitHub). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of proseOf(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const slug = slugOf(m[1]!);
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** Targets of the relative links (and same-file anchors) in a markdown text. */
export function relativeLinksOf(markdown: string): string[] {
  const links: string[] = [];
  for (const m of proseOf(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: …
    links.push(target);
  }
  return links;
}

/** `docs/<file>.md#<section>` references in a line of code; a URL that merely contains `/docs/` is not one. */
export function docsReferencesOf(line: string): string[] {
  return [...line.matchAll(/(?<![\w./:-])docs\/[\w./-]+\.md(?:#[\w-]+)?/g)].map((m) => m[0]);
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOfFile(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (!anchors) anchorCache.set(file, (anchors = anchorsOf(readFileSync(file, 'utf8'))));
  return anchors;
}

/** Why `target` (relative to `fromDir`) leads nowhere, or null when it leads to a file and section. */
function brokenTarget(fromDir: string, fromFile: string, target: string): string | null {
  const [filePart = '', anchor] = target.split('#', 2);
  const file = filePart === '' ? fromFile : path.resolve(fromDir, decodeURIComponent(filePart));
  if (!existsSync(file)) return `no file ${path.relative(ROOT, file)}`;
  if (anchor === undefined || anchor === '' || !file.endsWith('.md') || statSync(file).isDirectory()) return null;
  return anchorsOfFile(file).has(anchor) ? null : `no section #${anchor} in ${path.relative(ROOT, file)}`;
}

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out
    .split('\0')
    .filter((f) => f !== '' && SCANNED.test(f))
    .filter((f) => existsSync(path.join(ROOT, f))); // tracked but deleted in the work tree: nothing to read
}

describe('the scanner itself', () => {
  it('recognises the citations it must refuse, and leaves ordinary code and upstream references alone', () => {
    const refused = [
      '// see DESIGN.md "Storage"',
      ' * fixes a bad registry in one pass (STYLE.md "Read the environment once").',
      '# Modelled on shared/reference/influxdb.conf.',
      '// ../shared/notes',
      '/** Drills (issue 6): recorded */',
      "describe('lockout (Issue 4: lockout)', () => {",
      '// fixed in issue #12',
      '// measured in reference/README.md',
      " * per message (see the foundation issue's benchmark note).",
      "  // The issue's requirement: the default drops silently",
    ];
    const allowed = [
      'return issues.flatMap((issue) => {',
      'switch (issue.code) {',
      'function describeZodIssue(issue: { path: PropertyKey[]; message: string }): string {',
      '// mqtt.js reads the next PUBLISH only after the previous PUBACK (MQTT.js #691)',
      '// docs/architecture.md#nothing-lost-end-to-end',
      "import { sharedThing } from './shared.ts';",
      ".description('issue MQTT credentials for a registered sensor; the password is printed once')",
      "h.act(id, { type: 'shelve', durationS: 3600, reason: 'known issue' });",
    ];
    for (const line of refused) expect(findCitations('x.ts', line), line).toHaveLength(1);
    for (const line of allowed) expect(findCitations('x.ts', line), line).toEqual([]);
  });

  it('finds links and the anchors GitHub gives headings', () => {
    const md =
      '# Nothing lost, end to end\n## Realtime (Socket.IO)\n## Realtime (Socket.IO)\nSee [a](b.md#c), [d](https://e.f), `[g](h)` and [i](#j).\n```\n[k](l)\n```\n';
    expect([...anchorsOf(md)]).toEqual(['nothing-lost-end-to-end', 'realtime-socketio', 'realtime-socketio-1']);
    expect(relativeLinksOf(md)).toEqual(['b.md#c', '#j']);
  });

  it('finds docs/ references in code, not URLs that contain /docs/', () => {
    expect(docsReferencesOf('// why: docs/architecture.md#nothing-lost-end-to-end and (docs/contracts.md).')).toEqual([
      'docs/architecture.md#nothing-lost-end-to-end',
      'docs/contracts.md',
    ]);
    expect(docsReferencesOf('// https://github.com/Koenkk/zigbee2mqtt.io/blob/master/docs/devices/SW21.md')).toEqual([]);
  });
});

describe('the repository explains itself', () => {
  it('no tracked file cites design notes, style guides, shared folders or issue numbers from outside the repository', () => {
    const offenders = trackedFiles()
      .filter((f) => f !== SELF)
      .flatMap((f) => findCitations(f, readFileSync(path.join(ROOT, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('every relative link in README.md, CONTRIBUTING.md and docs/ leads to an existing file and section', () => {
    const docs = trackedFiles().filter((f) => f === 'README.md' || f === 'CONTRIBUTING.md' || (f.startsWith('docs/') && f.endsWith('.md')));
    expect(docs).toContain('docs/architecture.md');
    const broken = docs.flatMap((f) => {
      const file = path.join(ROOT, f);
      return relativeLinksOf(readFileSync(file, 'utf8')).flatMap((target) => {
        const why = brokenTarget(path.dirname(file), file, target);
        return why === null ? [] : [`${f}: (${target}): ${why}`];
      });
    });
    expect(broken).toEqual([]);
  });

  it('every docs/<file>.md#<section> a source file points to exists', () => {
    const broken = trackedFiles()
      .filter((f) => !f.endsWith('.md'))
      .flatMap((f) =>
        readFileSync(path.join(ROOT, f), 'utf8')
          .split('\n')
          .flatMap((line, i) =>
            docsReferencesOf(line).flatMap((ref) => {
              const why = brokenTarget(ROOT, '', ref);
              return why === null ? [] : [`${f}:${i + 1}: ${ref}: ${why}`];
            }),
          ),
      );
    expect(broken).toEqual([]);
  });
});
