/**
 * Registering a CLI drill with the Vigil server, so it is recorded (who, scenario, site, start,
 * end), announced to every console and scored: `POST /api/drills`, then `POST /api/drills/:id/end`.
 * A server without the drill API (404), one that refuses us (401/403) or one that cannot be reached
 * gets a warning, never a failed drill: the observations carry the drill id either way.
 */
import { SESSION_COOKIE, type DrillExpectation, type DrillStartBody } from '../../../contract/index.ts';
import { errorText } from '../simulator.errors.ts';
import type { Expectation, Scenario } from '../scenario/scenario.schema.ts';

export interface DrillServer {
  /** Base URL, e.g. http://127.0.0.1:8080 */
  url: string;
  /** A manager's credentials: the drill API needs a session with `drill.run`. */
  user?: string;
  password?: string;
  warn: (message: string) => void;
  fetch?: typeof fetch;
}

export interface DrillRegistration {
  id: string;
  scenario: string;
  siteId: string;
  speed?: number;
  expected?: DrillExpectation[];
}

/** The server's drill body accepts these speeds (contract/drill.ts). */
const SERVER_SPEEDS = { min: 1, max: 100 };

/**
 * The scenario's expectations as the server scores them: one entry per expected alarm, so
 * `count: 3` becomes three entries (the report matches each to a distinct alarm).
 */
export function toDrillExpectations(scenario: Scenario): DrillExpectation[] {
  return scenario.expect.flatMap((e: Expectation) => {
    const where = e.sensor !== undefined ? { sensorId: e.sensor } : e.zone !== undefined ? { zoneId: e.zone } : null;
    if (where === null) return [];
    const one: DrillExpectation = { ...where, condition: e.condition, priority: e.priority, withinS: e.within };
    return Array.from({ length: e.count }, () => ({ ...one }));
  });
}

async function call(server: DrillServer, path: string, body: unknown, cookie: string | null): Promise<Response> {
  const doFetch = server.fetch ?? fetch;
  return doFetch(`${server.url}${path}`, {
    method: 'POST',
    // Vigil refuses a signed-in state change that names no origin (cross-site request forgery).
    headers: { 'content-type': 'application/json', ...(cookie !== null && { cookie, origin: new URL(server.url).origin }) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

/** Signs in when credentials were given; returns the session cookie, or null. */
async function signIn(server: DrillServer): Promise<string | null> {
  if (server.user === undefined || server.password === undefined) return null;
  const res = await call(server, '/api/auth/login', { username: server.user, password: server.password }, null);
  if (!res.ok) {
    server.warn(`signing in to ${server.url} as ${server.user} failed (${res.status}); registering without a session`);
    return null;
  }
  const match = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(res.headers.get('set-cookie') ?? '');
  return match ? `${SESSION_COOKIE}=${match[1]}` : null;
}

/** What a failed registration call means to the drill coordinator. */
function explain(server: DrillServer, status: number, what: string): string {
  if (status === 404) return `${server.url} has no drill API (404): the drill is not ${what}; its observations are still tagged`;
  if (status === 401 || status === 403)
    return `${server.url} refused to ${what === 'registered' ? 'register' : 'end'} the drill (${status}): pass --api-user/--api-password of a manager`;
  return `${server.url} answered ${status}: the drill is not ${what}`;
}

/** Registers the drill; returns the session cookie for `endDrill` (or null), or false when it did not work. */
export async function registerDrill(reg: DrillRegistration, server: DrillServer): Promise<{ registered: boolean; cookie: string | null }> {
  try {
    const cookie = await signIn(server);
    const body: DrillStartBody = {
      id: reg.id,
      scenario: reg.scenario,
      siteId: reg.siteId,
      run: false,
      ...(reg.expected !== undefined && { expected: reg.expected }),
      ...(reg.speed !== undefined && reg.speed >= SERVER_SPEEDS.min && reg.speed <= SERVER_SPEEDS.max && { speed: reg.speed }),
    };
    const res = await call(server, '/api/drills', body, cookie);
    if (res.ok) return { registered: true, cookie };
    server.warn(`${explain(server, res.status, 'registered')}${await detail(res)}`);
  } catch (err) {
    server.warn(`cannot reach ${server.url} to register the drill (${errorText(err)}); its observations are still tagged`);
  }
  return { registered: false, cookie: null };
}

export async function endDrill(id: string, server: DrillServer, cookie: string | null): Promise<boolean> {
  try {
    const res = await call(server, `/api/drills/${encodeURIComponent(id)}/end`, {}, cookie);
    if (res.ok) return true;
    server.warn(`${explain(server, res.status, 'ended')}${await detail(res)}`);
  } catch (err) {
    server.warn(`cannot reach ${server.url} to end the drill (${errorText(err)})`);
  }
  return false;
}

async function detail(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    return body.error?.message ? `: ${body.error.message}` : '';
  } catch {
    return '';
  }
}
