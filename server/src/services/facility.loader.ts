/**
 * Loads `config/facility.yaml`: YAML (with source positions) → `facilityFileSchema` → cross-checks
 * and settings cascade (facility.resolve.ts) → the resolved `Facility` plus the plan files to serve.
 * Every problem is reported with the file, its line and its path, all at once, so an operator
 * fixes a bad registry in one pass.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { escalationSchema, facilityFileSchema, type EscalationSettings, type Facility } from '../../../contract/index.ts';
import { formatPath, yamlLineOf } from '../../../contract/yaml-location.ts';
import { zodProblems } from '../../../contract/zod-problems.ts';
import { brokerIdProblems } from './facility.broker-ids.ts';
import type { CameraSource } from './facility.cameras.ts';
import { resolveFacility, type PathSegment, type PlanInfo, type RawProblem } from './facility.resolve.ts';
import { presenceSettings, type PresenceSettings } from './presence.settings.ts';

export interface FacilityProblem {
  /** Dotted path inside the file, e.g. `sites[0].floors[1].zones[2].sensors[3].x`. */
  path: string;
  line: number | null;
  message: string;
}

export interface LoadedFacility {
  facility: Facility;
  /** Plan URL (`/plans/<basename>`) → absolute path of the SVG to serve. */
  planFiles: Map<string, string>;
  /** The `escalation` section, defaults applied (no contacts when absent). */
  escalation: EscalationSettings;
  /** How the server reaches each camera (never sent to a browser). */
  cameraSources: Map<string, CameraSource>;
  /** Badge holders, door readers and buildings (never sent whole to a browser: names are for officers). */
  presence: PresenceSettings;
}

export class FacilityError extends Error {
  readonly code = 'FACILITY_INVALID';
  readonly file: string;
  readonly problems: FacilityProblem[];

  constructor(file: string, problems: FacilityProblem[]) {
    const lines = problems.map((p) => `${file}${p.line === null ? '' : `:${p.line}`}: ${p.path}: ${p.message}`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`invalid facility file ${file} (${count}):\n${lines.join('\n')}`);
    this.name = 'FacilityError';
    this.file = file;
    this.problems = problems;
  }
}

const SYNTAX_PATH = '(yaml syntax)';

/** Loads and validates the registry; throws `FacilityError` listing every problem found. */
export function loadFacility(file: string): LoadedFacility {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new FacilityError(file, [{ path: '(file)', line: null, message: `cannot read the facility file: ${errorText(err)}` }]);
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const [first, ...more] = doc.errors;
  if (first) {
    // After the first syntax error the parser's view of the structure is guesswork: later errors
    // usually cascade from it, so report the first one and say how many followed.
    const after = more.length > 0 ? ` (${more.length} more syntax error${more.length > 1 ? 's' : ''} after it may follow from this one)` : '';
    throw new FacilityError(file, [{ path: SYNTAX_PATH, line: lineAt(first.pos[0]), message: first.message + after }]);
  }

  const locate = (p: readonly PathSegment[]): number | null => yamlLineOf(doc, lineCounter, p);
  const toProblem = (p: RawProblem): FacilityProblem => ({ path: formatPath(p.path), line: locate(p.path), message: p.message });
  // Sorted by line: the operator reads the list top to bottom alongside the file.
  const invalid = (raw: RawProblem[]): FacilityError =>
    new FacilityError(
      file,
      raw.map(toProblem).sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity)),
    );

  const parsed = facilityFileSchema.safeParse(doc.toJS({ maxAliasCount: 1000 }));
  if (!parsed.success) throw invalid(zodProblems(parsed.error.issues));
  const data = parsed.data;

  const baseDir = path.dirname(path.resolve(file));
  const plans = new Map<string, PlanInfo>();
  const planFiles = new Map<string, string>();
  const problems: RawProblem[] = [];
  data.sites.forEach((site, si) =>
    site.floors.forEach((floor, fi) => {
      if (plans.has(floor.plan)) return;
      const at: PathSegment[] = ['sites', si, 'floors', fi, 'plan'];
      const absolute = path.resolve(baseDir, floor.plan);
      const url = `/plans/${encodeURIComponent(path.basename(absolute))}`;
      const clash = planFiles.get(url);
      if (clash !== undefined && clash !== absolute) {
        problems.push({ path: at, message: `plan file name clashes with ${clash}: both would be served as ${url}` });
        return;
      }
      const checked = readPlan(absolute);
      if (typeof checked === 'string') {
        problems.push({ path: at, message: checked });
        return;
      }
      plans.set(floor.plan, { url, viewBox: checked });
      planFiles.set(url, absolute);
    }),
  );

  const resolved = resolveFacility(data, plans);
  problems.push(...resolved.problems);
  problems.push(...brokerIdProblems(data));
  const presence = presenceSettings(data);
  problems.push(...presence.problems);
  if (problems.length > 0) throw invalid(problems);
  return {
    facility: resolved.facility,
    planFiles,
    escalation: data.escalation ?? escalationSchema.parse({}),
    cameraSources: resolved.cameraSources,
    presence: presence.settings,
  };
}

/** The plan's viewBox, or why it cannot be used. Plans are served to browsers: they must be inert. */
function readPlan(absolute: string): PlanInfo['viewBox'] | string {
  if (!/\.svg$/i.test(absolute)) return `plan must be an .svg file: ${absolute}`;
  let svg: string;
  try {
    svg = readFileSync(absolute, 'utf8');
  } catch (err) {
    return `cannot read plan file ${absolute}: ${errorText(err)}`;
  }
  const root = /<svg\b[^>]*>/i.exec(svg);
  if (!root) return `plan file ${absolute} is not an SVG (no <svg> element)`;
  const unsafe = [
    [/<script\b/i, 'a <script>'],
    [/\son[a-z]+\s*=/i, 'an event handler attribute'],
    [/<foreignObject\b/i, 'a <foreignObject>'],
    [/\bhref\s*=\s*["'](?!#)/i, 'an external reference (href)'],
    [/url\(\s*["']?(?!#)/i, 'an external reference (url())'],
    [/@import\b/i, 'an @import'],
  ] as const;
  for (const [pattern, what] of unsafe) {
    if (pattern.test(svg)) return `plan file ${absolute} contains ${what}: plans must hold no scripts and no external references`;
  }
  const box = /\bviewBox\s*=\s*["']([^"']*)["']/.exec(root[0]);
  const nums =
    box?.[1]
      ?.trim()
      .split(/[\s,]+/)
      .map(Number) ?? [];
  const [x, y, width, height] = nums;
  if (nums.length !== 4 || nums.some((n) => !Number.isFinite(n)) || !(width! > 0 && height! > 0)) {
    return `plan file ${absolute} needs a viewBox="x y width height" on its <svg>: sensor positions are in its units`;
  }
  return { x: x!, y: y!, width: width!, height: height! };
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code === 'ENOENT' ? 'no such file' : e.code === 'EACCES' ? 'permission denied' : String(e.message ?? err);
}
