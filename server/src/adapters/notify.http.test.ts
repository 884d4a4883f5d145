// One notification POST against a real HTTP server on loopback whose answer never ends: the
// receiver's status is all a webhook needs, and a robot's JSON answer is small, so only the start
// of an answer is read. Reading all of it held the attempt until its timeout (and buffered
// whatever the receiver sent, however much).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { postNotification } from './notify.http.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function endlessAnswer(): Promise<string> {
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const timer = setInterval(() => res.write(chunk), 5);
    res.on('close', () => clearInterval(timer));
  });
  cleanup.push(() => server.closeAllConnections());
  cleanup.push(() => server.close());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)));
}

describe('postNotification', () => {
  it('an answer that never ends: its status counts, without reading it to the end', async () => {
    const url = await endlessAnswer();
    const result = await postNotification('webhook', url, '{}', {}, 3000);
    expect(result).toMatchObject({ ok: true, status: 200, error: null });
  });
});
