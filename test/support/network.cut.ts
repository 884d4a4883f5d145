/**
 * A network that dies silently, for browser tests: packets discarded, no TCP reset, nothing closed.
 * `context.setOffline(true)` is not that (Chromium fails new requests at once, which a console
 * notices without trying), and `page.route` alone does not reach a WebSocket already open. So every
 * request and every Socket.IO WebSocket of the page passes through a relay here:
 *
 * - while cut, HTTP requests are held unanswered, and WebSocket messages are dropped both ways
 *   with neither side closed (the server keeps its socket until its own ping gives up);
 * - a WebSocket opened while cut opens in the page but never hears from the server;
 * - on restore, held requests go on to the server, as TCP's retransmissions deliver what a
 *   returning network carries (a request the page gave up on meanwhile stays given up on);
 *   WebSockets that outlived the cut carry messages again.
 *
 * Install it before the page opens its live connection (before `goto`).
 *
 * @example
 *   const net = await silentNetwork(page);
 *   await stack.signIn(page, 'officer');
 *   net.cut();
 *   ...
 *   await net.restore();
 */
import type { Page, Route } from 'playwright-core';

export interface SilentNetwork {
  readonly isCut: boolean;
  /** From now on nothing passes, and nothing says so. */
  cut(): void;
  /** The network is back: held requests go on, new ones pass. */
  restore(): Promise<void>;
}

export async function silentNetwork(page: Page): Promise<SilentNetwork> {
  let cut = false;
  let held: Route[] = [];
  await page.route('**/*', async (route) => {
    if (cut) held.push(route);
    else await route.continue().catch(() => {}); // the page may have given up on it meanwhile
  });
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    if (cut) return; // into the dead network: opens in the page, never hears back
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      if (!cut) server.send(message);
    });
    server.onMessage((message) => {
      if (!cut) ws.send(message);
    });
    // A close while cut is lost on the way like everything else.
    ws.onClose((code, reason) => {
      if (!cut) void server.close({ code, reason }).catch(() => {});
    });
    server.onClose((code, reason) => {
      if (!cut) void ws.close({ code, reason }).catch(() => {});
    });
  });
  return {
    get isCut() {
      return cut;
    },
    cut() {
      cut = true;
    },
    async restore() {
      cut = false;
      const release = held;
      held = [];
      await Promise.all(release.map((route) => route.continue().catch(() => {})));
    },
  };
}
