// The other end of the broker's relay ceiling (bench:ingest): one QoS 1 subscription, as Vigil's
// ingest session has, that only counts and acknowledges what the broker delivers — a raw MQTT
// 3.1.1 client over node:net, so the ceiling is the broker's and not a client library's. Posts
// `{ ready }` once subscribed, then `{ done, received, seconds }` (from the first delivery to the
// `count`th). Plain JS: workers do not inherit tsx's loader.
import net from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';
import { connectFrame, eachFrame, mqttString, writeLength } from './mqtt.frames.mjs';

const { url, clientId, filter, count } = workerData;
const { hostname, port } = new URL(url);

let received = 0;
let firstAt = 0;
let pending = null;
const socket = net.createConnection({ host: hostname, port: Number(port || 1883), noDelay: true });

function subscribeFrame() {
  const topic = mqttString(filter);
  const body = Buffer.concat([Buffer.from([0, 1]), topic, Buffer.from([1])]);
  const fixed = Buffer.alloc(5);
  fixed[0] = 0x82;
  return Buffer.concat([fixed.subarray(0, writeLength(fixed, 1, body.length)), body]);
}

socket.on('connect', () => socket.write(connectFrame({ clientId, keepaliveS: 600 })));
socket.on('error', (err) => {
  throw new Error(`relay subscriber: ${err.message}`);
});
socket.on('data', (chunk) => {
  const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
  pending = null;
  // PUBACKs for one chunk's deliveries go out in one write.
  const acks = [];
  const p = eachFrame(buf, (first, b, off) => {
    const type = first & 0xf0;
    if (type === 0x20) socket.write(subscribeFrame());
    else if (type === 0x90) parentPort.postMessage({ ready: true });
    else if (type === 0x30) {
      const topicLen = b.readUInt16BE(off);
      if ((first & 0x06) !== 0) acks.push(0x40, 0x02, b[off + 2 + topicLen], b[off + 3 + topicLen]);
      if (received++ === 0) firstAt = Date.now();
      if (received === count) parentPort.postMessage({ done: true, received, seconds: (Date.now() - firstAt) / 1000 });
    }
  });
  if (p < buf.length) pending = buf.subarray(p);
  if (acks.length) socket.write(Buffer.from(acks));
});
