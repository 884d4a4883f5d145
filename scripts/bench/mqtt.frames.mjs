// MQTT 3.1.1 frame encoding shared by the bench's raw publisher worker and the fault suite's
// devices. Plain JS so that the worker (which does not inherit tsx's loader) can import it;
// types for TypeScript callers are in mqtt.frames.d.mts.

/** MQTT remaining-length varint, written at `off`; returns the new offset. */
export function writeLength(buf, off, len) {
  do {
    let byte = len & 0x7f;
    len >>>= 7;
    if (len > 0) byte |= 0x80;
    buf[off++] = byte;
  } while (len > 0);
  return off;
}

/** A UTF-8 string with its 16-bit length prefix. */
export function mqttString(s) {
  const b = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(2 + b.length);
  out.writeUInt16BE(b.length, 0);
  b.copy(out, 2);
  return out;
}

/** CONNECT with a clean session; user name and password only when given. */
export function connectFrame({ clientId, username, password, keepaliveS }) {
  const flags = 0x02 | (username != null ? 0x80 : 0) | (password != null ? 0x40 : 0);
  const head = Buffer.from([0, 4, 0x4d, 0x51, 0x54, 0x54, 4, flags, keepaliveS >> 8, keepaliveS & 0xff]);
  const fields = [clientId, username, password].filter((f) => f != null).map(mqttString);
  const body = Buffer.concat([head, ...fields]);
  const fixed = Buffer.alloc(5);
  fixed[0] = 0x10;
  return Buffer.concat([fixed.subarray(0, writeLength(fixed, 1, body.length)), body]);
}

export const PINGREQ = Buffer.from([0xc0, 0x00]);
export const DISCONNECT = Buffer.from([0xe0, 0x00]);

/**
 * Calls `onFrame(firstByte, buf, bodyOffset, bodyLength)` for each complete frame in `buf`, in
 * order, until one answers `false`; returns where the first frame not handled starts (frames may
 * be split across chunks: the caller keeps the rest for the next one).
 */
export function eachFrame(buf, onFrame) {
  let p = 0;
  while (buf.length - p >= 2) {
    let len = 0;
    let mul = 1;
    let q = p + 1;
    let complete = false;
    while (q < buf.length) {
      const byte = buf[q++];
      len += (byte & 0x7f) * mul;
      if ((byte & 0x80) === 0) {
        complete = true;
        break;
      }
      mul *= 128;
      if (mul > 128 ** 3) throw new Error('MQTT: a malformed remaining length');
    }
    if (!complete || buf.length - q < len) break; // the length or the body is incomplete
    const more = onFrame(buf[p], buf, q, len);
    p = q + len;
    if (more === false) break;
  }
  return p;
}
