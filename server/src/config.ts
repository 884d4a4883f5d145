/**
 * The environment, read once and validated. A bad value stops the process with a message
 * naming every bad variable.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { MAX_PAYLOAD_BYTES } from '../../contract/index.ts';
import { parseActionEscalation } from './domain/actions/action.rules.ts';

/**
 * Where the embedded state (SQLite) lives unless DATA_DIR says otherwise: one place for the server,
 * `npm start` and the command line alike, in the repository whatever the working directory, so
 * an account the CLI creates is one the running server can sign in.
 */
export const DEFAULT_DATA_DIR = path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'), '.vigil', 'state');

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'], { error: 'must be one of 1, 0, true, false, yes, no' })
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const port = z.coerce.number({ error: 'must be a number' }).int('must be an integer').min(0).max(65535);
const url = (protocols: string[]) =>
  z.url({ error: 'must be a URL' }).refine((u) => protocols.includes(new URL(u).protocol), {
    message: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  });
/** A comma-separated list of http(s) URLs (empty when unset). */
const httpUrls = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean),
  )
  .refine((urls) => urls.every((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol)), { message: 'must be comma-separated http(s) URLs' });
const positiveInt = z.coerce.number({ error: 'must be a number' }).int('must be an integer').positive('must be > 0');
const readableFile = z.string().refine(
  (file) => {
    try {
      fs.accessSync(file, fs.constants.R_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
  { message: 'must be a readable file' },
);

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  /** The broker; unset = the Mosquitto `npm start` runs on 127.0.0.1:MQTT_PORT. */
  MQTT_URL: url(['mqtt:', 'mqtts:', 'tcp:']).optional(),
  MQTT_PORT: port.default(1883),
  MQTT_CLIENT_ID: z.string().min(1).max(64).default('vigil-ingest'),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  /** For mqtts://, PEM files: the CA that signed the broker's certificate (default: Node's public roots)… */
  MQTT_CA: readableFile.optional(),
  /** …and a client certificate and its key, for a broker that requires one (`require_certificate true`). */
  MQTT_CERT: readableFile.optional(),
  MQTT_KEY: readableFile.optional(),
  /** false accepts any broker certificate: anyone on the path could pose as the broker. */
  MQTT_REJECT_UNAUTHORIZED: bool.default(true),
  /**
   * Largest MQTT frame the ingest client reads into memory (a larger PUBLISH is skipped, counted and
   * acknowledged). 256 KiB: far above a reading's 16 KiB payload limit, so an oversized reading is
   * still rejected by the decoder with its topic and a sample; config/mosquitto.conf's
   * `message_size_limit` stops larger messages at the broker first.
   */
  MQTT_MAX_FRAME_BYTES: positiveInt
    .min(MAX_PAYLOAD_BYTES + 1024, `must be at least ${MAX_PAYLOAD_BYTES + 1024} (a reading's ${MAX_PAYLOAD_BYTES}-byte payload limit plus its topic)`)
    .max(268_435_460, 'must be at most 268435460 (the largest frame MQTT can express)')
    .default(262_144),
  INFLUX_URL: url(['http:', 'https:']).default('http://127.0.0.1:8086'),
  INFLUX_DB: z
    .string()
    .regex(/^[A-Za-z0-9_]+$/, 'must be letters, digits or _')
    .default('vigil'),
  INFLUX_USERNAME: z.string().optional(),
  INFLUX_PASSWORD: z.string().optional(),
  /**
   * Redis shared by all Vigil nodes (redis://[user:password@]host:6379, rediss:// for TLS): live
   * events published on one node reach the dashboards connected to every node. Unset = one node.
   */
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  RAW_RETENTION_DAYS: positiveInt.default(90),
  DATA_DIR: z.string().min(1).default(DEFAULT_DATA_DIR),
  /**
   * The operational store on PostgreSQL (postgres://user:password@host:5432/vigil), shared by
   * every Vigil node; unset = SQLite in DATA_DIR, one node (docs/decisions/0007-postgresql-and-several-nodes.md).
   */
  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  /**
   * This node's name among the nodes sharing DATABASE_URL: set, the node runs the sites whose
   * leases it holds (cluster mode); unset, one node runs every site. Unique per running node.
   */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'must be 1-63 letters, digits, _ . - (starting with a letter or digit)')
    .optional(),
  /** How the other nodes reach this one (http(s)://host:port), for actions on the sites it holds. */
  NODE_URL: url(['http:', 'https:']).optional(),
  /** The secret the nodes sign their requests to each other with; the same on every node, at least 32 characters. */
  NODE_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  FACILITY_FILE: z.string().min(1).default('config/facility.yaml'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Legacy ingest key allowed to write every site; per-device keys come from `npm run vigil -- apikey create`. */
  INGEST_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Sessions end after this many minutes without a request (a control-room screen may want a long one). */
  SESSION_IDLE_MIN: positiveInt.max(525_600, 'must be at most a year').default(480),
  /** Login attempts per client address per minute (also the burst). */
  LOGIN_RATE_PER_MIN: positiveInt.default(30),
  /** POST /api/ingest requests per API key per second (twice that in a burst). */
  INGEST_RATE_PER_S: positiveInt.default(100),
  /**
   * Observations (not requests) per second, with a burst of ten seconds' worth (a device's: its
   * own, below): per API key (HTTP), per device (any path), and of a site's unregistered devices
   * together. Over a limit an
   * item is rejected as `rate_limited`; alarm-bearing observations of registered sensors never are
   * (services/ingest.limits.ts).
   */
  INGEST_OBS_PER_KEY_PER_S: positiveInt.default(1000),
  INGEST_OBS_PER_DEVICE_PER_S: positiveInt.default(100),
  /** What a device may send at once: its backlog after a Vigil outage arrives in one go. */
  INGEST_OBS_PER_DEVICE_BURST: positiveInt.default(10_000),
  INGEST_UNREGISTERED_PER_SITE_PER_S: positiveInt.default(20),
  /** Ids each rate limit tracks at most (the least recently heard forgotten first). */
  INGEST_LIMIT_TRACKED_IDS: positiveInt.max(1_000_000).default(10_000),
  FLUSH_INTERVAL_MS: positiveInt.max(1000, 'must be at most 1000 (points are stored within a second)').default(200),
  BATCH_MAX_POINTS: positiveInt.max(50_000).default(5000),
  INGEST_QUEUE_MAX: positiveInt.default(50_000),
  REJECTIONS_KEPT: positiveInt.max(100_000).default(1000),
  /** Camera stills kept with alarms are deleted after this many days (their hashes stay in the audit trail). */
  CAMERA_RETENTION_DAYS: positiveInt.max(3650).default(90),
  /** Each camera is probed this often; one that does not answer raises camera_offline. */
  CAMERA_PROBE_S: positiveInt.max(3600).default(30),
  /** The second still of an alarm follows the first by this long. */
  CAMERA_SECOND_SHOT_S: positiveInt.max(60).default(5),
  /** A camera must give a still (or its stream's headers) within this long. */
  CAMERA_TIMEOUT_MS: positiveInt.max(60_000).default(5000),
  /** 0 leaves cameras marked `simulated` alone: no probes, no stills (for a stack without the test-pattern camera). */
  SIMULATED_CAMERAS: bool.default(true),
  VIGIL_DEMO: bool.default(false),
  /** Escalation webhooks: comma-separated http(s) URLs. */
  WEBHOOK_URLS: httpUrls,
  /** Escalation e-mail: smtp://user:password@host:587 (STARTTLS when offered) or smtps://…:465. */
  SMTP_URL: url(['smtp:', 'smtps:']).optional(),
  /** Sender of escalation e-mail when a contact names none. */
  SMTP_FROM: z.email({ error: 'must be an e-mail address' }).optional(),
  /** Escalation limits per priority in seconds (`off` for never): unacknowledged longer escalates, and again every as long. */
  ESCALATION_S: z
    .string()
    .default('critical=60,high=300,medium=1800,low=off')
    .transform((v, ctx) => {
      const out: Record<string, number | null> = { critical: 60, high: 300, medium: 1800, low: null };
      for (const part of v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^(critical|high|medium|low)=(\d+|off)$/.exec(part);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `"${part}" must be <priority>=<seconds|off>` });
          return z.NEVER;
        }
        out[m[1]!] = m[2] === 'off' ? null : Number(m[2]);
      }
      return out as { critical: number | null; high: number | null; medium: number | null; low: number | null };
    }),
  /**
   * When an overdue corrective action escalates, in seconds after its due date, per step: its owner,
   * the managers, then the admins and the notification channels (`off` skips a step).
   */
  ACTION_ESCALATION_S: z
    .string()
    .default('owner=0,manager=86400,admin=259200')
    .transform((v, ctx) => {
      try {
        return parseActionEscalation(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  CLIENT_DIST: z.string().default('client/dist'),
  /**
   * The dashboard's address(es) as browsers see them, comma-separated (e.g. https://vigil.example.com):
   * the only origins allowed to change state or open a live connection. Unset = the addresses the
   * server listens on (http://localhost:PORT, http://127.0.0.1:PORT, and with HOST 0.0.0.0 this
   * machine's interface addresses and host name). Behind a TLS proxy or a DNS name, set it.
   */
  PUBLIC_URL: httpUrls.transform((urls) => [...new Set(urls.map((u) => new URL(u).origin))]),
});

/** TLS settings for an mqtts:// broker: file paths, read when the client is built. */
export interface MqttTlsFiles {
  caFile?: string | undefined;
  certFile?: string | undefined;
  keyFile?: string | undefined;
  rejectUnauthorized: boolean;
}

/** Cluster mode: this node among those sharing the PostgreSQL store (NODE_ID with DATABASE_URL). */
export interface ClusterConfig {
  nodeId: string;
  nodeUrl: string;
  nodeSecret: string;
}

export type Config = Readonly<
  z.infer<typeof envSchema> & { ingestApiKey: string | null; mqttUrl: string; mqttTls: MqttTlsFiles | null; cluster: ClusterConfig | null }
>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The demo API key, accepted only in demo mode so `npm start` works out of the box. */
export const DEMO_INGEST_API_KEY = 'vigil-demo-ingest-key';

/**
 * Validates `env` against a schema. An empty variable means "not set": compose files and shells
 * often pass VAR= through. Throws ConfigError naming every bad variable and its value.
 */
function parseEnv<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}=${JSON.stringify(present[String(i.path[0])] ?? '')}: ${i.message}`));
  }
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const c = parseEnv(envSchema, env);
  const mqttUrl = brokerUrl(c);
  return Object.freeze({
    ...c,
    DATA_DIR: path.resolve(c.DATA_DIR),
    FACILITY_FILE: path.resolve(c.FACILITY_FILE),
    CLIENT_DIST: path.resolve(c.CLIENT_DIST),
    // Without INGEST_API_KEY outside demo mode, only per-device API keys are accepted.
    ingestApiKey: c.INGEST_API_KEY ?? (c.VIGIL_DEMO ? DEMO_INGEST_API_KEY : null),
    mqttUrl,
    mqttTls: mqttTls(c, mqttUrl),
    cluster: cluster(c),
  });
}

/** NODE_ID, NODE_URL and NODE_SECRET, checked together and against DATABASE_URL; null on a single node. */
function cluster(c: z.infer<typeof envSchema>): ClusterConfig | null {
  if (c.NODE_ID === undefined) {
    const stray = (['NODE_URL', 'NODE_SECRET'] as const).filter((name) => c[name] !== undefined);
    if (stray.length) throw new ConfigError(stray.map((name) => `${name}: applies to a cluster node only (set NODE_ID and DATABASE_URL too)`));
    return null;
  }
  const problems: string[] = [];
  // Nodes share their sites through leases in the shared store: each SQLite file is a node's own.
  if (c.DATABASE_URL === undefined)
    problems.push(`NODE_ID=${JSON.stringify(c.NODE_ID)}: several nodes need a shared PostgreSQL store; set DATABASE_URL (or unset NODE_ID)`);
  if (c.NODE_URL === undefined) problems.push('NODE_URL: required with NODE_ID (how the other nodes reach this one, e.g. http://10.0.0.5:8080)');
  if (c.NODE_SECRET === undefined) problems.push('NODE_SECRET: required with NODE_ID (the same secret of at least 32 characters on every node)');
  if (problems.length) throw new ConfigError(problems);
  return { nodeId: c.NODE_ID, nodeUrl: c.NODE_URL!, nodeSecret: c.NODE_SECRET! };
}

/** The TLS variables, checked against each other and the URL; null for a plain mqtt:// broker. */
function mqttTls(c: z.infer<typeof envSchema>, url: string): MqttTlsFiles | null {
  const problems: string[] = [];
  const secure = new URL(url).protocol === 'mqtts:';
  for (const name of ['MQTT_CA', 'MQTT_CERT', 'MQTT_KEY'] as const) {
    // A CA or client certificate for a plain connection would be silently unused.
    if (c[name] !== undefined && !secure) problems.push(`${name}=${JSON.stringify(c[name])}: applies to an mqtts:// MQTT_URL only (MQTT_URL is ${url})`);
  }
  if ((c.MQTT_CERT === undefined) !== (c.MQTT_KEY === undefined))
    problems.push(`${c.MQTT_CERT === undefined ? 'MQTT_KEY' : 'MQTT_CERT'}: MQTT_CERT and MQTT_KEY go together (a client certificate and its private key)`);
  if (problems.length) throw new ConfigError(problems);
  if (!secure) return null;
  const resolved = (file: string | undefined) => (file === undefined ? undefined : path.resolve(file));
  return { caFile: resolved(c.MQTT_CA), certFile: resolved(c.MQTT_CERT), keyFile: resolved(c.MQTT_KEY), rejectUnauthorized: c.MQTT_REJECT_UNAUTHORIZED };
}

/** MQTT_URL, or the local Mosquitto that `npm start` runs (scripts/start.sh). */
const brokerUrl = (c: { MQTT_URL?: string | undefined; MQTT_PORT: number }): string => c.MQTT_URL ?? `mqtt://127.0.0.1:${c.MQTT_PORT}`;

/** What the command line (server/src/cli.ts) needs of the environment: the same variables and defaults as the server. */
export function loadStorageConfig(env: NodeJS.ProcessEnv = process.env): {
  DATA_DIR: string;
  DATABASE_URL?: string | undefined;
  NODE_ID?: string | undefined;
  FACILITY_FILE: string;
  VIGIL_DEMO: boolean;
  MQTT_USERNAME?: string | undefined;
  MQTT_CLIENT_ID: string;
  mqttUrl: string;
} {
  const c = parseEnv(
    envSchema.pick({
      DATA_DIR: true,
      DATABASE_URL: true,
      NODE_ID: true,
      FACILITY_FILE: true,
      VIGIL_DEMO: true,
      MQTT_USERNAME: true,
      MQTT_CLIENT_ID: true,
      MQTT_URL: true,
      MQTT_PORT: true,
    }),
    env,
  );
  return {
    DATA_DIR: path.resolve(c.DATA_DIR),
    DATABASE_URL: c.DATABASE_URL,
    NODE_ID: c.NODE_ID,
    FACILITY_FILE: path.resolve(c.FACILITY_FILE),
    VIGIL_DEMO: c.VIGIL_DEMO,
    MQTT_USERNAME: c.MQTT_USERNAME,
    MQTT_CLIENT_ID: c.MQTT_CLIENT_ID,
    mqttUrl: brokerUrl(c),
  };
}
