// The SMTP sender against a real TCP server on loopback that greets, then answers EHLO one line
// every 100 ms forever: every idle timeout (connection, greeting, socket) is satisfied, so only an
// overall deadline ends the attempt. Without one, the escalation's attempt never ends and the
// dispatcher's stop() — which waits for sends in progress — holds the server's shutdown forever.
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpSender } from './notify.email.ts';

const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function tricklingSmtpServer(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.write('220 slow.example ESMTP\r\n');
    socket.once('data', () => {
      const timer = setInterval(() => socket.write('250-still thinking\r\n'), 100);
      socket.on('close', () => clearInterval(timer));
    });
  });
  cleanup.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('SmtpSender', () => {
  it('an SMTP server that keeps answering without ever finishing fails the attempt at the deadline', async () => {
    const port = await tricklingSmtpServer();
    const smtp = new SmtpSender(`smtp://127.0.0.1:${port}`, 'vigil@site.example', { deadlineMs: 800 });
    cleanup.push(() => smtp.close());
    const started = Date.now();
    const result = await smtp.send({ from: 'vigil@site.example', to: ['duty@site.example'], subject: 's', text: 't' });
    expect(result).toMatchObject({ ok: false, status: null, error: 'no answer within 0.8 s' });
    expect(result.permanent).not.toBe(true);
    expect(Date.now() - started).toBeLessThan(3000);
  }, 10_000);
});
