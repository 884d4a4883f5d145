/**
 * Security headers for every answer: helmet, with a Content-Security-Policy that lets the
 * dashboard load only from its own origin. Recharts sets inline `style` attributes, hence
 * `style-src 'unsafe-inline'` (styles only: scripts stay `'self'`). Socket.IO needs `ws:`/`wss:`
 * in connect-src (a bare `'self'` does not cover WebSocket URLs everywhere).
 */
import helmet from 'helmet';
import type { RequestHandler } from 'express';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // Not `upgrade-insecure-requests`: a plain-HTTP control-room LAN deployment would break.
      },
    },
    // Served on plain HTTP inside a facility as often as behind TLS: HSTS only via a TLS proxy.
    strictTransportSecurity: false,
  });
}
