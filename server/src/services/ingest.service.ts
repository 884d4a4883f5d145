/**
 * The ingest pipeline: decode → validate → normalise → admit (site of an unregistered device,
 * rate limits) → store (history writer) and evaluate (observation listeners: sensor state, alarm
 * engine, live hub). A bad item is rejected with a reason, counted and kept in the rejection log;
 * it never stops ingest, and never takes the good items of its batch with it.
 */
import { UNREGISTERED, idSchema, type Channel, type IngestResult, type Observation, type ObservationSource, type Rejection } from '../../../contract/index.ts';
import { DecodeError, nativeDecoder, normaliseItem, type DecodeContext, type TopicDecoder } from '../domain/observation.decode.ts';
import type { Registry } from '../domain/registry.ts';
import type { Clock } from './clock.ts';
import type { HistoryQueue, ObservationPoint } from './history.ports.ts';
import type { IngestLimits } from './ingest.limits.ts';
import type { RejectionLog } from './rejection.log.ts';
import type { RetainedGate } from './retained.gate.ts';

/**
 * Sees each accepted observation. The alarm engine returns what became of the changes the
 * observation caused that must be stored: true once committed, false when refused because its
 * site is not (or no longer) run by this node; nothing when it changed nothing to store now.
 */
export type ObservationListener = (o: Observation) => Promise<boolean> | void;

/**
 * What one MQTT message's evaluations came to: the sites of its observations that were not
 * evaluated here (their site is run by another node now). Empty: all were, or there was nothing to.
 */
type Unevaluated = readonly string[];
const ALL_EVALUATED: Unevaluated = [];

/** The evaluations one MQTT message waits for, each the site that refused it or null; null: nobody waits (HTTP ingest). */
type Evaluations = Promise<string | null>[] | null;

export interface IngestOptions {
  maxAgeMs: number;
  /** How MQTT topics are read, in order; the native decoder when absent. */
  decoders?: TopicDecoder[];
  /** Judges retained MQTT deliveries against what Vigil holds (retained.gate.ts); absent: every delivery is news. */
  retained?: RetainedGate;
  /** Observation rate limits (ingest.limits.ts); absent: none. */
  limits?: IngestLimits;
}

/** The API key an HTTP request came with: its scope and its id (rate limits). */
export interface HttpGrant {
  keyId?: string;
  allows?: (siteId: string, sensorId: string) => boolean;
}

const SAMPLE_BYTES = 200;

const observationPoint = (observation: Observation): ObservationPoint => ({ type: 'observation', observation });

function sampleOf(payload: Buffer | string): string {
  const text = typeof payload === 'string' ? payload.slice(0, SAMPLE_BYTES) : payload.subarray(0, SAMPLE_BYTES).toString('utf8');
  return text;
}

export class IngestService {
  private readonly listeners: ObservationListener[] = [];
  private readonly decoders: TopicDecoder[];

  constructor(
    private readonly registry: Registry,
    private readonly history: HistoryQueue,
    private readonly rejections: RejectionLog,
    private readonly clock: Clock,
    private readonly options: IngestOptions,
    private readonly onAccepted: (o: Observation) => void = () => {},
    private readonly onListenerError: (err: unknown, o: Observation) => void = () => {},
  ) {
    this.decoders = options.decoders ?? [nativeDecoder];
  }

  /** Every topic filter the MQTT client must subscribe to; of `registry`'s devices when given (one site's session, several nodes). */
  subscriptions(registry: Registry = this.registry): string[] {
    return [...new Set(this.decoders.flatMap((d) => d.subscriptions(registry)))];
  }

  /** Listeners see every accepted observation, in arrival order, before it is durable. */
  subscribe(listener: ObservationListener): void {
    this.listeners.push(listener);
  }

  private context(source: ObservationSource): DecodeContext {
    return { registry: this.registry, now: this.clock.now(), maxAgeMs: this.options.maxAgeMs, source };
  }

  /**
   * One MQTT message on a native topic. `onAcknowledge` is called once everything accepted from it
   * is durable AND the alarm changes it caused are committed (immediately when nothing was
   * accepted): the adapter acknowledges it then.
   * `delivery.retain`: the broker sent it as a retained message, state rather than news
   * (domain/retained.ts).
   * `site` (cluster mode): the site whose session delivered it. Should an observation of that site
   * not be evaluated here after all — its alarm change refused because the site has moved to
   * another node, or the site already given up — `onAcknowledge` is never called: the session is
   * being stopped, and the broker gives the message to the site's next holder, whose engine
   * evaluates it (docs/architecture.md "Nothing lost"). Other sites' observations (a topic several
   * sites' sessions share) are their own sessions' to evaluate. Without `site` (one node's session,
   * or one being drained, the only place its messages are) every message is acknowledged.
   */
  handleMqttMessage(topic: string, payload: Buffer, onAcknowledge: () => void, delivery?: { retain: boolean }, site?: string): void {
    const ctx = this.context('mqtt');
    let observations: Observation[];
    try {
      const decoder = this.decoders.find((d) => d.matches(topic));
      if (!decoder) throw new DecodeError('bad_topic', `no decoder for topic "${topic}"`);
      const decoded = decoder.decode(topic, payload, ctx);
      observations = [];
      for (const o of decoded.observations) {
        const refused = this.admit(o);
        if (refused === null) observations.push(o);
        else this.reject({ at: ctx.now, source: 'mqtt', origin: topic, reason: refused.reason, detail: refused.message, sample: sampleOf(payload) });
      }
      for (const r of decoded.rejected) {
        this.reject({
          at: ctx.now,
          source: 'mqtt',
          origin: r.index === undefined ? topic : `${topic} [${r.index}]`,
          reason: r.reason,
          detail: r.detail,
          sample: sampleOf(payload),
        });
      }
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.reject({ at: ctx.now, source: 'mqtt', origin: topic, reason: err.reason, detail: err.message, sample: sampleOf(payload) });
      onAcknowledge();
      return;
    }
    const evaluations: Promise<string | null>[] = [];
    const settled =
      site === undefined
        ? onAcknowledge
        : (unevaluated: Unevaluated) => {
            if (!unevaluated.includes(site)) onAcknowledge();
          };
    this.accept(delivery?.retain ? this.news(observations, evaluations) : observations, evaluations, settled);
  }

  /** A retained delivery: only news goes on; a status that is not news still updates the live state. */
  private news(observations: Observation[], evaluations: Evaluations): Observation[] {
    if (!this.options.retained) return observations;
    const { observe, statusOnly } = this.options.retained.sort(observations);
    for (const o of statusOnly) this.notify(o, evaluations);
    return observe;
  }

  /**
   * Items of `POST /api/ingest`. Resolves once the accepted ones are durable, so a 202 means
   * stored (or safely queued in the outbox). Items the key's scope refuses are rejected as
   * `forbidden`; items over a rate limit of the key or the device as `rate_limited`.
   */
  handleHttpItems(items: unknown[], siteOf: (sensorId: string) => string | undefined, grant: HttpGrant = {}): Promise<IngestResult> {
    const allowed = grant.allows;
    const ctx = this.context('http');
    const observations: Observation[] = [];
    const result: IngestResult = { accepted: 0, rejected: 0, rejections: [] };
    items.forEach((item, index) => {
      try {
        const topic = this.httpTopic(item, siteOf);
        // The API key's scope: a key may write only its own sites or sensors.
        if (allowed && !allowed(topic.siteId, topic.sensorId))
          throw new DecodeError('forbidden', `this API key may not write sensor ${topic.sensorId} of site ${topic.siteId}`);
        const o = normaliseItem(topic, item, ctx);
        const refused = this.admit(o, grant.keyId);
        if (refused !== null) throw refused;
        observations.push(o);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        result.rejections.push({ index, reason: err.reason, detail: err.message });
        this.reject({
          at: ctx.now,
          source: 'http',
          origin: `POST /api/ingest [${index}]`,
          reason: err.reason,
          detail: err.message,
          sample: JSON.stringify(item)?.slice(0, SAMPLE_BYTES) ?? '',
        });
      }
    });
    result.accepted = observations.length;
    result.rejected = result.rejections.length;
    // A 202 means stored, as before: the alarm engine's commit is not waited for.
    return new Promise((resolve) => this.accept(observations, null, () => resolve(result)));
  }

  private httpTopic(item: unknown, siteOf: (sensorId: string) => string | undefined): { siteId: string; sensorId: string; channel: Channel } {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new DecodeError('invalid_payload', 'each observation must be a JSON object');
    const { sensorId, channel, siteId } = item as Record<string, unknown>;
    // Ids become InfluxDB tags, alarm subjects and MQTT topic levels: the same rule as a topic's.
    if (!idSchema.safeParse(sensorId).success) throw new DecodeError('invalid_payload', 'sensorId: must be 1-64 letters, digits, "_", "." or "-"');
    if (channel !== 'reading' && channel !== 'event' && channel !== 'status')
      throw new DecodeError('invalid_payload', 'channel: must be one of reading, event, status');
    if (siteId !== undefined && !idSchema.safeParse(siteId).success)
      throw new DecodeError('invalid_payload', 'siteId: must be 1-64 letters, digits, "_", "." or "-"');
    const site = (siteId as string | undefined) ?? siteOf(sensorId as string);
    if (site === undefined) throw new DecodeError('unknown_site', `sensor ${String(sensorId)} is not in the registry: give its siteId`);
    return { siteId: site, sensorId: sensorId as string, channel };
  }

  /**
   * The last gate before an observation is accepted: an unregistered device must name one of the
   * facility's sites (anything else would become a site in InfluxDB and in the alarm queue), and
   * the rate limits must let it through. Null when admitted.
   */
  private admit(o: Observation, apiKey?: string): DecodeError | null {
    if (o.kind === UNREGISTERED && this.registry.site(o.siteId) === undefined)
      return new DecodeError('unknown_site', `sensor ${o.sensorId} is not in the registry and ${o.siteId} is not a site of this facility`);
    const limited = this.options.limits?.admit(o, apiKey);
    return limited == null ? null : new DecodeError('rate_limited', limited);
  }

  /**
   * Hand accepted observations to the listeners and to history (one message's points together).
   * `settled` runs once they are durable and the evaluations collected in `evaluations` (the
   * listeners' answers) have settled, with the sites that refused theirs.
   */
  private accept(observations: Observation[], evaluations: Evaluations, settled: (unevaluated: Unevaluated) => void): void {
    if (observations.length === 0) {
      this.settle(evaluations, settled);
      return;
    }
    const retained = this.options.retained;
    retained?.accepted(observations);
    let minTs = Infinity;
    let maxTs = -Infinity;
    const points = observations.length === 1 ? observationPoint(observations[0]!) : observations.map(observationPoint);
    for (const o of observations) {
      if (o.ts < minTs) minTs = o.ts;
      if (o.ts > maxTs) maxTs = o.ts;
      this.onAccepted(o);
      this.notify(o, evaluations);
    }
    this.history.add(points, minTs, maxTs, () => {
      retained?.durable(observations);
      this.settle(evaluations, settled);
    });
  }

  /** `settled` once every evaluation has: at once when there is none (most messages change nothing). */
  private settle(evaluations: Evaluations, settled: (unevaluated: Unevaluated) => void): void {
    if (evaluations === null || evaluations.length === 0) {
      settled(ALL_EVALUATED);
      return;
    }
    void Promise.all(evaluations).then((refusedBy) => settled(refusedBy.filter((site) => site !== null)));
  }

  private notify(o: Observation, evaluations: Evaluations): void {
    for (const l of this.listeners) {
      // A failing listener (a bug in a rule, say) must not stop ingest or lose the reading.
      try {
        const evaluation = l(o);
        // The engine's commits do not reject; should one all the same, it is reported as a
        // failing listener is, and the message acknowledged as when a listener throws.
        if (evaluation !== undefined && evaluations !== null)
          evaluations.push(
            evaluation.then(
              (evaluated) => (evaluated ? null : o.siteId),
              (err: unknown) => {
                this.onListenerError(err, o);
                return null;
              },
            ),
          );
      } catch (err) {
        this.onListenerError(err, o);
      }
    }
  }

  private reject(r: Rejection): void {
    this.rejections.add(r);
  }
}
