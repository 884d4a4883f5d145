// Lean QoS 1 load generator: the same workerData and messages as publisher.worker.mjs (paced
// bursts every `tick` ms catching up on what is due, same topics and payloads, same stall
// detection), but a raw MQTT 3.1.1 client over node:net instead of mqtt.js. Each burst of
// PUBLISH frames is encoded straight into one Buffer and written with a single socket.write, so
// the generator costs a fraction of the CPU it steals from the system under test. Plain JS:
// workers do not inherit tsx's loader.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { connectFrame as connectFrameFor, DISCONNECT, eachFrame, mqttString, PINGREQ, writeLength } from './mqtt.frames.mjs';
import { MAX_NUMBERED, NUMBERED_DIGITS } from './publisher.numbering.mjs';
import { threadCpuMs } from './thread.cpu.mjs';

// `sites`: each sensor's site (spread over several sites), else every sensor is of `site`.
const { url, clientId, sensors, site, sites, rate, count, t0, tick, value, live } = workerData;
const KEEPALIVE_S = 60;
/** Packet ids in flight at most (of 65,535): ids are reused only once acknowledged. */
const MAX_INFLIGHT = 60_000;
const STALL_S = 15;
const CONNACK_TIMEOUT_MS = 10_000;
const CONNACK_CODES = ['accepted', 'unacceptable protocol version', 'identifier rejected', 'server unavailable', 'bad user name or password', 'not authorized'];

const cpu0 = process.cpuUsage();
const thread0 = threadCpuMs();

// ---------------------------------------------------------------------------------------------
// Frames

const connectFrame = () => connectFrameFor({ clientId, keepaliveS: KEEPALIVE_S });

// Topic name with its 16-bit length prefix, one per sensor (round-robin by message index).
const topicFields = sensors.map((s, k) => mqttString(`vigil/${sites?.[k] ?? site}/${s}/reading`));
// Payload = PREFIX + JSON ts + tail, byte for byte JSON.stringify({ ts, value, unit: '%LEL' }).
// `value` fixed (e.g. background traffic that must never alarm), else a slow 0-9.9 sawtooth.
const PREFIX = Buffer.from('{"ts":', 'latin1');
const tailFor = (v) => Buffer.from(`,"value":${JSON.stringify(v)},"unit":"%LEL"}`, 'utf8');
// `live`: ts is the wall clock at each burst (as devices send), and the value is the message's
// own number, numberedValue(i) = i / 10^7 (publisher.numbering.mjs), written as "0." and seven
// digits: what InfluxDB holds can be told reading by reading, two readings of one sensor in the same
// millisecond stay two points, and a sensor's value creeps up far too slowly to alarm.
const NUMBERED_HEAD = Buffer.from(',"value":0.', 'latin1');
const NUMBERED_TAIL = Buffer.from(',"unit":"%LEL"}', 'latin1');
const tails = value != null ? [tailFor(value)] : live ? [] : Array.from({ length: 1000 }, (_, r) => tailFor(Math.round(r / 10) / 10));
if (live && count > MAX_NUMBERED) throw new Error(`publisher.raw.worker: at most ${MAX_NUMBERED} numbered messages, asked for ${count}`);
let firstTs = null;
let lastTs = null;
const MAX_TS_CHARS = 32; // the longest JSON number is 24 characters
const maxTail = Math.max(NUMBERED_HEAD.length + NUMBERED_DIGITS + NUMBERED_TAIL.length, ...tails.map((t) => t.length));
const maxFrame = 5 + Math.max(...topicFields.map((f) => f.length)) + 2 + PREFIX.length + MAX_TS_CHARS + maxTail;

// ---------------------------------------------------------------------------------------------
// State

let socket;
let started = 0;
let sent = 0;
let acked = 0;
let outstanding = 0;
let nextId = 0;
const inflight = new Uint8Array(65536);
/** The message number each packet id in flight carries, to name those never acknowledged. */
const seqOf = new Int32Array(65536);
let waitingForAcks = false;
let waitingForDrain = false;
let lastWrite = 0;
let finished = false;
let onConnack = null;

function allocId() {
  // Never more than MAX_INFLIGHT (< 65,535) outstanding, so a free id is always found.
  do nextId = nextId === 65535 ? 1 : nextId + 1;
  while (inflight[nextId] === 1);
  inflight[nextId] = 1;
  outstanding++;
  return nextId;
}

/** The next `n` PUBLISH QoS 1 frames, in one Buffer. */
function encode(n) {
  const buf = Buffer.allocUnsafe(n * maxFrame);
  let off = 0;
  const now = Date.now();
  const nowText = JSON.stringify(now);
  if (live && n > 0) {
    firstTs ??= now;
    lastTs = now;
  }
  for (let k = 0; k < n; k++) {
    const i = sent++;
    const topic = topicFields[i % topicFields.length];
    const ts = live ? nowText : JSON.stringify(t0 + i);
    const numbered = live && value == null;
    const tail = numbered ? null : tails.length === 1 ? tails[0] : tails[i % 1000];
    const tailLength = numbered ? NUMBERED_HEAD.length + NUMBERED_DIGITS + NUMBERED_TAIL.length : tail.length;
    const id = allocId();
    seqOf[id] = i;
    buf[off++] = 0x32; // PUBLISH, QoS 1
    off = writeLength(buf, off, topic.length + 2 + PREFIX.length + ts.length + tailLength);
    buf.set(topic, off);
    off += topic.length;
    buf[off++] = id >> 8;
    buf[off++] = id & 0xff;
    buf.set(PREFIX, off);
    off += PREFIX.length;
    for (let c = 0; c < ts.length; c++) buf[off++] = ts.charCodeAt(c);
    if (numbered) {
      buf.set(NUMBERED_HEAD, off);
      off += NUMBERED_HEAD.length;
      for (let d = NUMBERED_DIGITS - 1, rest = i; d >= 0; d--, rest = Math.floor(rest / 10)) buf[off + d] = 0x30 + (rest % 10);
      off += NUMBERED_DIGITS;
      buf.set(NUMBERED_TAIL, off);
      off += NUMBERED_TAIL.length;
    } else {
      buf.set(tail, off);
      off += tail.length;
    }
  }
  return buf.subarray(0, off);
}

// ---------------------------------------------------------------------------------------------
// Incoming bytes: frames may be split across chunks, and a chunk may hold many frames.

let pending = null;

function onData(chunk) {
  const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
  pending = null;
  const p = eachFrame(buf, (first, b, off, len) => {
    onFrame(first & 0xf0, b, off, len);
    return !finished;
  });
  if (finished) return;
  if (p < buf.length) pending = buf.subarray(p);
  if (waitingForAcks && outstanding < MAX_INFLIGHT) {
    waitingForAcks = false;
    burst();
  }
}

function onFrame(type, buf, off, len) {
  if (type === 0x40 && len === 2) {
    const id = (buf[off] << 8) | buf[off + 1];
    if (inflight[id] === 1) {
      inflight[id] = 0;
      outstanding--;
      acked++;
      if (acked === count) finish();
    }
  } else if (type === 0x20) {
    onConnack?.(len >= 2 ? buf[off + 1] : -1);
  }
  // PINGRESP (0xd0) and anything else: nothing to do.
}

// ---------------------------------------------------------------------------------------------
// Connection

function connect() {
  const { protocol, hostname, port } = new URL(url);
  if (protocol !== 'mqtt:') throw new Error(`publisher.raw.worker: only mqtt:// URLs are supported, got ${url}`);
  return new Promise((resolve, reject) => {
    // A failed connection rejects once; `finished` silences the socket's later events.
    const fail = (message) => {
      if (finished) return;
      finished = true;
      onConnack = null;
      clearTimeout(timer);
      reject(new Error(message));
      socket.destroy();
    };
    const timer = setTimeout(() => fail(`MQTT broker ${url}: no CONNACK within ${CONNACK_TIMEOUT_MS / 1000} s`), CONNACK_TIMEOUT_MS);
    onConnack = (code) => {
      if (code !== 0)
        return fail(`MQTT broker ${url} refused the connection of ${clientId}: CONNACK return code ${code} (${CONNACK_CODES[code] ?? 'unknown'})`);
      onConnack = null;
      clearTimeout(timer);
      resolve();
    };
    socket = net.createConnection({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 1883), noDelay: true });
    socket.on('connect', () => {
      socket.write(connectFrame());
      lastWrite = Date.now();
    });
    socket.on('data', onData);
    socket.on('error', (err) => {
      if (onConnack) fail(`MQTT broker ${url}: ${err.message}`);
      else if (!finished) throw new Error(`MQTT broker ${url}: ${err.message} (after ${sent} sent, ${acked} acknowledged)`);
    });
    socket.on('close', () => {
      if (onConnack) fail(`MQTT broker ${url} closed the connection before CONNACK`);
      else if (!finished) throw new Error(`MQTT broker ${url} closed the connection after ${sent} sent, ${acked} acknowledged`);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Publishing

function burst() {
  if (finished || waitingForDrain) return;
  // Messages due by now, so a late timer catches up instead of lowering the rate.
  const due = rate === 0 ? count : Math.min(count, Math.floor(((Date.now() - started) / 1000) * rate) + 1);
  const n = Math.min(due - sent, MAX_INFLIGHT - outstanding);
  if (n > 0) {
    lastWrite = Date.now();
    if (!socket.write(encode(n))) {
      // Backpressure: the next burst (catching up) once the socket has drained.
      waitingForDrain = true;
      socket.once('drain', () => {
        waitingForDrain = false;
        burst();
      });
      return;
    }
  }
  if (sent >= count) return;
  if (sent < due)
    waitingForAcks = true; // window full: onData resumes once ids are free
  else setTimeout(burst, tick);
}

function finish() {
  if (finished) return;
  finished = true;
  const cpu = process.cpuUsage(cpu0);
  parentPort.postMessage({
    done: true,
    sent,
    acked,
    seconds: (Date.now() - started) / 1000,
    firstTs,
    lastTs,
    unacked: Array.from(seqOf.filter((_, id) => inflight[id] === 1)).sort((a, b) => a - b),
    cpuMs: (cpu.user + cpu.system) / 1000,
    threadCpuMs: threadCpuMs() - thread0,
  });
  setTimeout(() => process.exit(0), 2000).unref(); // a broker that stopped reading
  socket.end(DISCONNECT, () => process.exit(0));
}

await connect();
started = Date.now();
burst();

// Keepalive: PINGREQ when nothing was sent for half the keepalive.
setInterval(() => {
  if (!finished && Date.now() - lastWrite >= (KEEPALIVE_S * 1000) / 2) {
    lastWrite = Date.now();
    socket.write(PINGREQ);
  }
}, 1000).unref();

// If acknowledgements stop coming (a broker that lost messages), report rather than hang:
// 15 s without acks while nothing more can be sent (all sent, the id window full, or a socket
// that does not drain).
let lastAcked = -1;
let stalledS = 0;
setInterval(() => {
  parentPort.postMessage({ sent, acked });
  stalledS = acked === lastAcked && (sent === count || waitingForAcks || waitingForDrain) ? stalledS + 1 : 0;
  lastAcked = acked;
  if (stalledS >= STALL_S) finish();
}, 1000).unref();
