/** Request parsing for the routers: a zod failure answers 400 `BAD_REQUEST` with one `path: message` per issue. */
import express, { type RequestHandler } from 'express';
import { MAX_JSON_DEPTH, jsonDepthOver } from '../../../contract/json-depth.ts';
import { badRequest } from '../errors.ts';

type SafeParser<T> = { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } };

/** `value` parsed by `schema`, or a 400 with `message`; an issue about the whole value is named `whole`. */
export function parseOr400<T>(schema: SafeParser<T>, value: unknown, message: string, whole = 'body'): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw badRequest(
      message,
      parsed.error.issues.map((i) => `${i.path.map(String).join('.') || whole}: ${i.message}`),
    );
  return parsed.data;
}

/** A JSON body (absent = `{}`). */
export function parseBody<T>(schema: SafeParser<T>, body: unknown): T {
  return parseOr400(schema, body ?? {}, 'invalid body');
}

/** A query string (`req.query`). */
export function parseQuery<T>(schema: SafeParser<T>, query: unknown): T {
  return parseOr400(schema, query, 'invalid query', '');
}

/** A time in a query (contract/api.ts): epoch ms either way, 1970 to 2100. */
export { queryTime as timeParam } from '../../../contract/index.ts';

export { MAX_JSON_DEPTH, jsonDepthOver };

/** A body-parser error that the error middleware answers 400 BAD_JSON. */
class TooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
}

/** express.json with `limit`, refusing (400) a body nested deeper than MAX_JSON_DEPTH before it is parsed. */
export function jsonBody(limit: string): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, buf) => {
      if (jsonDepthOver(buf, MAX_JSON_DEPTH) >= 0) throw new TooDeepError(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    },
  });
}
