/**
 * Cluster mode (docs/architecture.md "Several nodes"): what the HTTP side of a node needs so that
 * a request for a site held elsewhere reaches its holder. The routes other nodes call
 * (`/api/internal/...`, signed with NODE_SECRET), and the HTTP ingest that sends a held-elsewhere
 * site's observations to its holder before answering the device. One node (no NODE_ID) needs
 * neither: its ingest router gets the IngestService itself.
 */
import type { Router } from 'express';
import type { ClusterConfig } from '../config.ts';
import type { Registry } from '../domain/registry.ts';
import { internalRouter } from '../http/internal.router.ts';
import type { Logger } from '../logger.ts';
import { systemClock } from '../services/clock.ts';
import { ClusterIngest, type IngestForwarder } from '../services/cluster-ingest.ts';
import type { IngestService } from '../services/ingest.service.ts';
import type { SiteAlarms } from '../services/site-alarms.ts';

export interface Forwarding {
  /** Mounted with the other routers. */
  internal: Router;
  /** What the ingest router gets instead of the IngestService. */
  httpIngest: Pick<IngestService, 'handleHttpItems'>;
}

export function composeForwarding(
  config: ClusterConfig,
  logger: Logger,
  d: { registry: Registry; sites: Pick<SiteAlarms, 'applyHeld' | 'held'>; ingest: IngestService; forwarder: IngestForwarder },
): Forwarding {
  const holds = (site: string): boolean => d.sites.held().includes(site);
  return {
    internal: internalRouter({
      secret: config.nodeSecret,
      clock: systemClock,
      alarms: d.sites,
      holds,
      ingest: d.ingest,
      siteOf: (sensorId) => d.registry.sensor(sensorId)?.siteId,
      logger: logger.child({ component: 'internal' }),
    }),
    httpIngest: new ClusterIngest({ local: d.ingest, isSite: (site) => d.registry.site(site) !== undefined, holds, forwarder: d.forwarder }),
  };
}
