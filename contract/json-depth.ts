/**
 * How deep JSON may nest before Vigil refuses it unparsed. No payload or request body Vigil reads
 * nests more than a handful of levels; one nested thousands deep parses, but everything that walks
 * it recursively afterwards (JSON.stringify for a sample or an error message, a logger) overflows
 * the stack: over HTTP that answered 500 after seconds of work, over MQTT each message logged a stack trace.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of the JSON in `bytes` once it exceeds `max`, else -1: one pass over the bytes,
 * brackets inside strings skipped. Malformed JSON is left for the parser to refuse.
 */
export function jsonDepthOver(bytes: Uint8Array, max: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return depth;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return -1;
}
