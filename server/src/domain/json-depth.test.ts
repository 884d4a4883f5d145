// A payload nested thousands deep fits in MQTT's 16 KiB limit; parsed, it overflowed the stack in
// the first JSON.stringify of an error message, and each such message logged a stack trace. Every
// JSON reader of the ingest path refuses it unparsed, as a rejection with its reason.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH } from '../../../contract/json-depth.ts';
import { jsonObject } from './decoders/coerce.ts';
import { DecodeError, parseJsonPayload } from './observation.decode.ts';

const nested = (depth: number, inner = '1') => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof DecodeError) return err.reason;
    throw err;
  }
  return 'accepted';
};

describe('JSON nested too deep', () => {
  it('native payloads: refused as invalid_payload beyond the limit, read up to it', () => {
    expect(refusal(() => parseJsonPayload(Buffer.from(`{"value":${nested(7000)}}`)))).toBe('invalid_payload');
    expect(refusal(() => parseJsonPayload(`{"value":${nested(MAX_JSON_DEPTH - 1)}}`))).toBe('accepted');
  });

  it('adapter payloads (Zigbee2MQTT, Tasmota, ESPHome state objects): refused as invalid_payload', () => {
    expect(refusal(() => jsonObject(Buffer.from(`{"gas_density":${nested(7000)}}`), 'state'))).toBe('invalid_payload');
    expect(refusal(() => jsonObject(Buffer.from('{"gas_density":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}'), 'state'))).toBe('accepted');
  });
});
