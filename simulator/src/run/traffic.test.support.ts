/** Test helper: does a topic + payload pass the contract's native validation (as the server applies it)? */
import { CHANNELS, payloadSchemas, type Channel } from '../../../contract/index.ts';

export function observationPayloadOk(topic: string, payload: unknown): boolean {
  const parts = topic.split('/');
  const channel = parts[3] as Channel;
  if (parts.length !== 4 || parts[0] !== 'vigil' || !CHANNELS.includes(channel)) return false;
  return payloadSchemas[channel].safeParse(payload).success;
}
