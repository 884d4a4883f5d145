// What goes over the wire to InfluxDB, seen by a loopback HTTP server standing in for it
// (test/integration/influx.auth.test.ts signs in to a real influxd).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InfluxClient, InfluxWriteError } from './influx.client.ts';

interface Seen {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

let server: http.Server | null = null;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function listen(status: number, answer = ''): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe('InfluxClient', () => {
  it('sends credentials in an Authorization header, never in the query string where logs keep them', async () => {
    const { url, seen } = await listen(204);
    const client = new InfluxClient({ url, db: 'vigil', username: 'writer', password: 'pä:ss&p=1' });
    await client.write('m f=1i 1');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('writer:pä:ss&p=1').toString('base64')}`);
    expect(seen[0]!.url).toBe('/write?db=vigil&precision=ns');
    expect(seen[0]!.body).toBe('m f=1i 1');
  });

  it('queries with the same header, the statement in the body', async () => {
    const { url, seen } = await listen(200, JSON.stringify({ results: [{ series: [] }] }));
    await new InfluxClient({ url, db: 'vigil', username: 'reader', password: 'x' }).query('SHOW DATABASES');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/query?db=vigil&epoch=ms', authorization: `Basic ${Buffer.from('reader:x').toString('base64')}` });
    expect(new URLSearchParams(seen[0]!.body).get('q')).toBe('SHOW DATABASES');
  });

  it('sends no Authorization header without a username', async () => {
    const { url, seen } = await listen(204);
    await new InfluxClient({ url, db: 'vigil' }).write('m f=1i 1');
    expect(seen[0]!.authorization).toBeUndefined();
  });

  it('keeps data whose write was refused for credentials (retryable), and drops to dead letters only what InfluxDB refused as data', async () => {
    const denied = await listen(401, JSON.stringify({ error: 'authorization failed' }));
    const err = await new InfluxClient({ url: denied.url, db: 'vigil', username: 'u', password: 'wrong' }).write('m f=1i 1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InfluxWriteError);
    expect(err).toMatchObject({ status: 401, retryable: true });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const bad = await listen(400, JSON.stringify({ error: 'unable to parse' }));
    await expect(new InfluxClient({ url: bad.url, db: 'vigil' }).write('garbage')).rejects.toMatchObject({ status: 400, retryable: false });
  });

  it('keeps data written before the schema exists (retryable): what InfluxDB 1.6.7 answers for no database and for no such policy', async () => {
    // Vigil writes while it sets the schema up at start (compose/storage.ts); such a batch must wait
    // in the outbox, not go to the dead letters. test/integration/influx.schema.test.ts asks a real influxd.
    const noDb = await listen(404, JSON.stringify({ error: 'database not found: "vigil"' }));
    await expect(new InfluxClient({ url: noDb.url, db: 'vigil' }).write('m f=1i 1', 'raw')).rejects.toMatchObject({ status: 404, retryable: true });
    expect(noDb.seen[0]!.url).toBe('/write?db=vigil&precision=ns&rp=raw');
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const noRp = await listen(500, JSON.stringify({ error: 'retention policy not found: raw' }));
    await expect(new InfluxClient({ url: noRp.url, db: 'vigil' }).write('m f=1i 1', 'raw')).rejects.toMatchObject({ status: 500, retryable: true });
  });

  // Answers of a real influxd 1.6.7 to a body with refused lines (test/integration/line-protocol.test.ts
  // checks them against one): it stores the other lines, says why in its JSON `error`, and counts
  // in `dropped=` the points it refused at storage; lines it could not parse are named, not counted.
  it("reads InfluxDB's reason and, for a partial write, how many points it refused", async () => {
    const conflict = await listen(
      400,
      JSON.stringify({
        error: 'partial write: field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=2',
      }) + '\n',
    );
    await expect(new InfluxClient({ url: conflict.url, db: 'vigil' }).write('m v="a" 1')).rejects.toMatchObject({
      message:
        'InfluxDB write failed (400): partial write: field type conflict: input field "v" on measurement "m" is type string, already exists as type float dropped=2',
      retryable: false,
      refused: 2,
    });
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const parse = await listen(
      400,
      JSON.stringify({ error: "partial write: unable to parse 'm v= 8000': missing field value\nunable to parse 'bad': invalid field format dropped=0" }),
    );
    const err = (await new InfluxClient({ url: parse.url, db: 'vigil' }).write('m v= 8000').catch((e: unknown) => e)) as InfluxWriteError;
    expect(err.message).toBe(
      "InfluxDB write failed (400): partial write: unable to parse 'm v= 8000': missing field value\nunable to parse 'bad': invalid field format dropped=0",
    );
    expect(err.refused).toBe(0);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const plain = await listen(400, '<html>bad request</html>');
    await expect(new InfluxClient({ url: plain.url, db: 'vigil' }).write('m v=1 1')).rejects.toMatchObject({
      message: 'InfluxDB write failed (400): <html>bad request</html>',
      refused: undefined,
    });
  });
});
