/**
 * Mosquitto's dynamic-security plugin, administered over MQTT: commands published to
 * `$CONTROL/dynamic-security/v1`, answers read from `.../response` (plugins/dynamic-security in
 * eclipse/mosquitto). Changes take effect at once, without a reload: a created client can connect,
 * a deleted one is disconnected.
 *
 * The server keeps one admin connection and makes the broker match the plan (services/
 * device-credentials.broker.ts) whenever that connection is (re)made, since a broker that
 * restarted may carry an older configuration. The CLI opens one for a single change.
 *
 * Every change to a role kicks the clients holding it and every command rewrites the plugin's
 * JSON file, so reconciling changes only what differs.
 */
import crypto from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from '../logger.ts';
import { retry } from '../services/retry.ts';
import { systemTimers, type Timers } from '../services/clock.ts';
import {
  BrokerRefusedError,
  BrokerUnreachableError,
  type BrokerAccess,
  type BrokerPlan,
  type BrokerPrincipal,
  type BrokerRole,
} from '../services/device-credentials.broker.ts';

export const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
export const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;

export type DynsecCommand = { command: string } & Record<string, unknown>;

export interface DynsecResponse {
  command: string;
  error?: string;
  correlationData?: string;
  data?: unknown;
}

export interface DynsecAcl {
  acltype: string;
  topic: string;
  allow: boolean;
  priority?: number;
}

export interface DynsecClientState {
  clientid?: string;
  roles: string[];
  disabled: boolean;
}

export interface DynsecState {
  clients: Map<string, DynsecClientState>;
  roles: Map<string, DynsecAcl[]>;
  defaultAccess: Record<string, boolean>;
}

/** Deny unless a role allows: devices publish only where their role says, nobody subscribes without one. */
export const DEFAULT_ACL_ACCESS: Readonly<Record<string, boolean>> = {
  publishClientSend: false,
  publishClientReceive: true,
  subscribe: false,
  unsubscribe: true,
};

/**
 * A role's rights in the plugin's vocabulary. `subscribePattern` (not `subscribeLiteral`, which
 * allows only the very same filter string): a SUBSCRIBE is allowed when the role's filter covers
 * the requested one, so `vigil/hq/#` allows `vigil/hq/#` and `vigil/hq/x/state` but not `#` or
 * `vigil/+/#`. A role with `receive` gets those filters allowed for `publishClientReceive` ahead of
 * a deny of `#` (higher priority is checked first); a role without keeps the default, allowed.
 */
export function roleAcls(role: BrokerRole): DynsecAcl[] {
  return [
    ...role.publish.map((topic) => ({ acltype: 'publishClientSend', topic, allow: true })),
    ...role.subscribe.map((topic) => ({ acltype: 'subscribePattern', topic, allow: true })),
    ...(role.receive
      ? [
          ...role.receive.map((topic) => ({ acltype: 'publishClientReceive', topic, allow: true, priority: 1 })),
          { acltype: 'publishClientReceive', topic: '#', allow: false, priority: 0 },
        ]
      : []),
  ];
}

const aclKey = (a: DynsecAcl): string => JSON.stringify([a.acltype.toLowerCase(), a.topic, a.allow]);

export interface ReconcileOptions {
  /** Delete and create these clients even when they exist (a re-issued credential has a new password). */
  recreate?: ReadonlySet<string>;
}

export interface ReconcileResult {
  commands: DynsecCommand[];
  /** Devices the plan has but the broker does not; only their hash is known, so they cannot be created here. */
  missing: string[];
}

/** The commands that make `state` match `plan` (pure: unit-tested without a broker). */
export function reconcileCommands(plan: BrokerPlan, state: DynsecState, options: ReconcileOptions = {}): ReconcileResult {
  const commands: DynsecCommand[] = [];
  const missing: string[] = [];

  const acls = Object.entries(DEFAULT_ACL_ACCESS)
    .filter(([acltype, allow]) => state.defaultAccess[acltype] !== allow)
    .map(([acltype, allow]) => ({ acltype, allow }));
  if (acls.length) commands.push({ command: 'setDefaultACLAccess', acls });

  for (const role of plan.roles) {
    const want = roleAcls(role);
    const have = state.roles.get(role.name);
    if (!have) {
      commands.push({ command: 'createRole', rolename: role.name, acls: want });
      continue;
    }
    const wantKeys = new Set(want.map(aclKey));
    const haveKeys = new Set(have.map(aclKey));
    for (const a of have) if (!wantKeys.has(aclKey(a))) commands.push({ command: 'removeRoleACL', rolename: role.name, acltype: a.acltype, topic: a.topic });
    for (const a of want) if (!haveKeys.has(aclKey(a))) commands.push({ command: 'addRoleACL', rolename: role.name, ...a });
  }

  for (const p of plan.principals) {
    let have = state.clients.get(p.username);
    if (have && options.recreate?.has(p.username)) {
      commands.push({ command: 'deleteClient', username: p.username });
      have = undefined;
    }
    if (!have) {
      if ('password' in p.secret)
        commands.push({ command: 'createClient', username: p.username, password: p.secret.password, clientid: p.clientId, roles: [{ rolename: p.role }] });
      else missing.push(p.username);
      continue;
    }
    if (have.clientid !== p.clientId) commands.push({ command: 'setClientId', username: p.username, clientid: p.clientId });
    for (const r of have.roles) if (r !== p.role) commands.push({ command: 'removeClientRole', username: p.username, rolename: r });
    if (!have.roles.includes(p.role)) commands.push({ command: 'addClientRole', username: p.username, rolename: p.role });
    if (have.disabled) commands.push({ command: 'enableClient', username: p.username });
  }

  for (const username of state.clients.keys()) if (plan.isStaleClient(username)) commands.push({ command: 'deleteClient', username });
  for (const name of state.roles.keys()) if (plan.isStaleRole(name)) commands.push({ command: 'deleteRole', rolename: name });
  return { commands, missing };
}

/** Answers that mean "already as wanted" (another admin got there first). */
const HARMLESS = new Set(['deleteClient|Client not found', 'deleteRole|Role not found']);

/** Commands per $CONTROL message: each answer must fit in one message, and a batch blocks the broker while it runs. */
const BATCH = 200;

export interface MosquittoDynsecOptions {
  url: string;
  username: string;
  password: string;
  logger: Logger;
  /** Give up connecting after this long (default 5 s). */
  connectTimeoutMs?: number;
  /** Give up waiting for an answer after this long (default 15 s). */
  requestTimeoutMs?: number;
  timers?: Timers;
}

interface Waiter {
  resolve: (r: DynsecResponse[]) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class MosquittoDynsec implements BrokerAccess {
  private client: MqttClient | null = null;
  private readonly waiting = new Map<string, Waiter>();
  private stopped = false;

  constructor(private readonly o: MosquittoDynsecOptions) {}

  get connected(): boolean {
    return this.client?.connected === true;
  }

  /** Connects with the admin credential and subscribes to the answers. */
  async connect(): Promise<void> {
    this.disconnect();
    const timeoutMs = this.o.connectTimeoutMs ?? 5000;
    // A random id: the server and the CLI administer at the same time, and must not take each other's connection.
    const client = mqtt.connect(this.o.url, {
      username: this.o.username,
      password: this.o.password,
      clientId: `${this.o.username}-${crypto.randomBytes(6).toString('hex')}`,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: timeoutMs,
      protocolVersion: 4,
    });
    this.client = client;
    client.on('message', (topic, payload) => this.onResponse(topic, payload));
    client.on('close', () => this.failWaiting(new BrokerUnreachableError(`the connection to the broker at ${this.o.url} closed`)));
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => fail(new BrokerUnreachableError(`no answer from the broker at ${this.o.url} within ${timeoutMs / 1000} s`)), timeoutMs);
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.end(true);
        reject(err);
      };
      client.once('connect', () => {
        settled = true;
        clearTimeout(timer);
        resolve();
      });
      // After the connection is made, an error ends it and 'close' follows (keepReconciled reconnects).
      client.on('error', (err) => {
        const code = (err as { code?: unknown }).code;
        if (code === 4 || code === 5) fail(new BrokerRefusedError(`the broker at ${this.o.url} refused the administrator ${this.o.username}: ${err.message}`));
        else fail(new BrokerUnreachableError(`cannot reach the broker at ${this.o.url}: ${err.message}`));
      });
      client.once('close', () => fail(new BrokerUnreachableError(`the broker at ${this.o.url} closed the connection`)));
    });
    const [granted] = await client.subscribeAsync(RESPONSE_TOPIC, { qos: 0 });
    if (!granted || granted.qos > 2)
      throw new BrokerRefusedError(`${this.o.username} may not read ${RESPONSE_TOPIC}: is it the dynamic-security administrator?`);
  }

  private disconnect(): void {
    const c = this.client;
    this.client = null;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => {});
      c.end(true);
    }
  }

  private onResponse(topic: string, payload: Buffer): void {
    if (topic !== RESPONSE_TOPIC) return;
    let responses: DynsecResponse[];
    try {
      responses = (JSON.parse(payload.toString('utf8')) as { responses?: DynsecResponse[] }).responses ?? [];
    } catch {
      return;
    }
    // Answers go to every admin subscribed; ours carry our correlation data.
    const batch = responses[0]?.correlationData?.split(':')[0];
    const waiter = batch === undefined ? undefined : this.waiting.get(batch);
    if (!waiter) return;
    this.waiting.delete(batch!);
    clearTimeout(waiter.timer);
    waiter.resolve(responses);
  }

  private failWaiting(err: Error): void {
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id);
      clearTimeout(w.timer);
      w.reject(err);
    }
  }

  /** Runs commands in order and returns their answers; rejects when any answer is an error. */
  async run(commands: readonly DynsecCommand[]): Promise<DynsecResponse[]> {
    const answers: DynsecResponse[] = [];
    for (let i = 0; i < commands.length; i += BATCH) answers.push(...(await this.runBatch(commands.slice(i, i + BATCH))));
    const errors = answers.filter((a) => a.error !== undefined && !HARMLESS.has(`${a.command}|${a.error}`));
    if (errors.length) throw new BrokerRefusedError(`the broker refused: ${errors.map((e) => `${e.command}: ${e.error}`).join('; ')}`);
    return answers;
  }

  private runBatch(commands: readonly DynsecCommand[]): Promise<DynsecResponse[]> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new BrokerUnreachableError(`not connected to the broker at ${this.o.url}`));
    const id = crypto.randomBytes(8).toString('hex');
    const tagged = commands.map((c, i) => ({ ...c, correlationData: `${id}:${i}` }));
    const timeoutMs = this.o.requestTimeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new BrokerUnreachableError(`the broker at ${this.o.url} did not answer ${commands[0]!.command} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      client.publish(CONTROL_TOPIC, JSON.stringify({ commands: tagged }), { qos: 1 }, (err) => {
        if (!err) return;
        this.waiting.delete(id);
        clearTimeout(timer);
        reject(new BrokerUnreachableError(`could not send to the broker at ${this.o.url}: ${err.message}`));
      });
    });
  }

  /** The clients, roles and default access the broker has now. */
  async state(): Promise<DynsecState> {
    const [clients, roles, defaults] = await this.run([
      { command: 'listClients', verbose: true, count: -1 },
      { command: 'listRoles', verbose: true, count: -1 },
      { command: 'getDefaultACLAccess' },
    ]);
    type ClientData = { username: string; clientid?: string; disabled?: boolean; roles?: { rolename: string }[] };
    type RoleData = { rolename: string; acls?: DynsecAcl[] };
    const c = (clients!.data as { clients: ClientData[] }).clients;
    const r = (roles!.data as { roles: RoleData[] }).roles;
    const d = (defaults!.data as { acls: { acltype: string; allow: boolean }[] }).acls;
    return {
      clients: new Map(c.map((x) => [x.username, { clientid: x.clientid, roles: (x.roles ?? []).map((y) => y.rolename), disabled: x.disabled === true }])),
      roles: new Map(r.map((x) => [x.rolename, x.acls ?? []])),
      defaultAccess: Object.fromEntries(d.map((x) => [x.acltype, x.allow])),
    };
  }

  /** Makes the broker match the plan; returns what changed and the devices it could not create. */
  async reconcile(plan: BrokerPlan, options: ReconcileOptions = {}): Promise<ReconcileResult> {
    const result = reconcileCommands(plan, await this.state(), options);
    if (result.commands.length) await this.run(result.commands);
    return result;
  }

  async grant(principal: BrokerPrincipal & { secret: { password: string } }, role: BrokerRole): Promise<void> {
    const plan: BrokerPlan = { roles: [role], principals: [principal], isStaleClient: () => false, isStaleRole: () => false };
    await this.reconcile(plan, { recreate: new Set([principal.username]) });
  }

  async remove(username: string): Promise<void> {
    await this.run([{ command: 'deleteClient', username }]);
  }

  /**
   * Keeps the admin connection and reconciles on every (re)connection, with the one retry policy
   * between failures. Resolves after the first attempt, whether it succeeded or not, so that a
   * broker that is down does not hold up the rest of the start.
   */
  keepReconciled(plan: () => Promise<BrokerPlan>, report: (result: ReconcileResult | Error) => void): Promise<void> {
    let firstDone: () => void = () => {};
    const first = new Promise<void>((resolve) => (firstDone = resolve));
    const cycle = async (): Promise<void> => {
      try {
        await retry(
          async () => {
            try {
              await this.connect();
              report(await this.reconcile(await plan()));
            } catch (err) {
              this.disconnect();
              throw err;
            } finally {
              firstDone();
            }
          },
          {
            timers: this.o.timers ?? systemTimers,
            backoff: { initialMs: 500, maxMs: 30_000, jitter: 0.2 },
            stopped: () => this.stopped,
            onRetry: (err, attempt, delayMs) => {
              if (attempt === 1 || attempt % 10 === 0) report(err instanceof Error ? err : new Error(String(err)));
              this.o.logger.debug({ err: (err as Error).message, attempt, delayMs }, 'broker administration: retrying');
            },
          },
        );
      } catch {
        return; // stopped
      }
      this.client?.once('close', () => {
        if (!this.stopped) void cycle();
      });
    };
    void cycle();
    return first;
  }

  async close(): Promise<void> {
    this.stopped = true;
    const c = this.client;
    this.client = null;
    this.failWaiting(new BrokerUnreachableError('closed'));
    if (c) await c.endAsync().catch(() => {});
  }
}

/** BrokerAccess for a short-lived process (the CLI): each change connects, applies and closes. */
export function oneShotDynsec(options: MosquittoDynsecOptions): BrokerAccess {
  return {
    grant: (principal, role) => withDynsec(options, (d) => d.grant(principal, role)),
    remove: (username) => withDynsec(options, (d) => d.remove(username)),
  };
}

/** One change from a short-lived process (the CLI): connect, apply, close. */
export async function withDynsec<T>(options: MosquittoDynsecOptions, use: (d: MosquittoDynsec) => Promise<T>): Promise<T> {
  const d = new MosquittoDynsec(options);
  try {
    await d.connect();
    return await use(d);
  } finally {
    await d.close();
  }
}
