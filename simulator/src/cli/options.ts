/**
 * Parsers for the CLI's option values: a bad value is a usage error (exit code 2) with a message
 * that says what was expected.
 */
import { InvalidArgumentError } from 'commander';
import { DRILL_ID_PATTERN } from '../../../contract/index.ts';

export const DEFAULT_BROKER = 'mqtt://127.0.0.1:1883';
export const DEFAULT_FACILITY = 'config/facility.yaml';
export const DEFAULT_SERVER = 'http://127.0.0.1:8080';
export const MAX_SPEED = 1000;

const fail = (message: string): never => {
  throw new InvalidArgumentError(message);
};

export function parseSeed(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 0xffffffff) fail('The seed must be an integer from 0 to 4294967295');
  return n;
}

export function positiveNumber(what: string, max = Infinity): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n <= 0 || n > max)
      fail(`${what[0]!.toUpperCase()}${what.slice(1)} must be a number above 0${max < Infinity ? ` and at most ${max}` : ''}`);
    return n;
  };
}

export function nonNegativeNumber(what: string): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n) || n < 0) fail(`${what[0]!.toUpperCase()}${what.slice(1)} must be a number, 0 or more`);
    return n;
  };
}

export function positiveInt(what: string, max: number): (raw: string) => number {
  return (raw) => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < 1 || n > max) fail(`${what[0]!.toUpperCase()}${what.slice(1)} must be a whole number from 1 to ${max}`);
    return n;
  };
}

export function parseBrokerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('The broker must be a URL such as mqtt://127.0.0.1:1883');
  }
  if (!['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:'].includes(url.protocol))
    fail(`The broker URL must use mqtt://, mqtts://, ws:// or wss://, not ${url.protocol}//`);
  return raw;
}

export function parseHttpUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('The server must be a URL such as http://127.0.0.1:8080');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('The server URL must use http:// or https://');
  return raw.replace(/\/+$/, '');
}

export function parseStart(raw: string): number {
  const t = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(t)) fail('The start must be an ISO 8601 time such as 2026-11-27T02:40:00+08:00');
  return t;
}

export function parseDrillId(raw: string): string {
  if (!DRILL_ID_PATTERN.test(raw)) fail('A drill id looks like drill-<up to 58 letters, digits, "_", "." or "-">');
  return raw;
}

export function parseSiteId(raw: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(raw)) fail('A site id is 1-64 letters, digits, "_", "." or "-"');
  return raw;
}
