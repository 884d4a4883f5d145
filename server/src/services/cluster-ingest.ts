/**
 * `POST /api/ingest` on a node of a cluster (docs/architecture.md "Several nodes"). A site's alarm
 * engine runs on one node, its holder; a device may post to any node (the proxy picks one). So
 * the observations of sites held elsewhere are sent to their holders, which accept them as their
 * own `POST /api/ingest` would, and the device gets its answer only once every holder has
 * answered: a 202 still means stored. If a holder cannot be reached (none right now, or it went
 * down), the whole request fails with a 5xx and the device sends it again; the observations some
 * holder had already accepted arrive twice. Nothing is lost; an observation that carries its own
 * time lands on the same InfluxDB point again (the point's time is derived from its content,
 * adapters/influx.line-protocol.ts), as an MQTT redelivery does.
 *
 * Items whose site is held here, is not a site of the facility (the local path refuses them or
 * accepts an unregistered device's), or that the key's scope refuses, are handled here exactly as
 * on one node, with the same rejections.
 */
import type { IngestResult } from '../../../contract/index.ts';
import type { HttpGrant } from './ingest.service.ts';

/** Sends a site's HTTP-ingest items to the node holding the site; its IngestResult for them. */
export interface IngestForwarder {
  forwardIngest(site: string, items: unknown[], keyId: string | undefined): Promise<IngestResult>;
}

export interface ClusterIngestDeps {
  /** This node's ingest (IngestService). */
  local: { handleHttpItems(items: unknown[], siteOf: (sensorId: string) => string | undefined, grant?: HttpGrant): Promise<IngestResult> };
  /** Whether `site` is one of the facility's sites. */
  isSite(site: string): boolean;
  /** Whether this node runs `site`'s engine now. */
  holds(site: string): boolean;
  forwarder: IngestForwarder;
}

interface Item {
  index: number;
  item: unknown;
}

export class ClusterIngest {
  constructor(private readonly deps: ClusterIngestDeps) {}

  async handleHttpItems(items: unknown[], siteOf: (sensorId: string) => string | undefined, grant: HttpGrant = {}): Promise<IngestResult> {
    const here: Item[] = [];
    const elsewhere = new Map<string, Item[]>();
    items.forEach((item, index) => {
      const target = this.holderSite(item, siteOf, grant);
      if (target === undefined) here.push({ index, item });
      else elsewhere.set(target, [...(elsewhere.get(target) ?? []), { index, item }]);
    });
    // Every holder first: if one fails, the device's retry sends these items again, and none of
    // this node's own has been accepted twice for nothing.
    const answers = await Promise.all(
      [...elsewhere].map(async ([site, group]) => ({
        group,
        result: await this.deps.forwarder.forwardIngest(
          site,
          group.map((g) => g.item),
          grant.keyId,
        ),
      })),
    );
    if (here.length > 0)
      answers.push({
        group: here,
        result: await this.deps.local.handleHttpItems(
          here.map((g) => g.item),
          siteOf,
          grant,
        ),
      });
    const merged: IngestResult = { accepted: 0, rejected: 0, rejections: [] };
    for (const { group, result } of answers) {
      merged.accepted += result.accepted;
      merged.rejected += result.rejected;
      // The holder numbers its part from 0: back to the positions in the device's request.
      for (const r of result.rejections) merged.rejections.push({ ...r, index: group[r.index]?.index ?? r.index });
    }
    merged.rejections.sort((a, b) => a.index - b.index);
    return merged;
  }

  /** The site whose holder must take `item`, or undefined when it is handled here. */
  private holderSite(item: unknown, siteOf: (sensorId: string) => string | undefined, grant: HttpGrant): string | undefined {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return undefined;
    const { siteId, sensorId } = item as Record<string, unknown>;
    if (typeof sensorId !== 'string') return undefined;
    const site = typeof siteId === 'string' ? siteId : siteOf(sensorId);
    if (site === undefined || !this.deps.isSite(site) || this.deps.holds(site)) return undefined;
    if (grant.allows !== undefined && !grant.allows(site, sensorId)) return undefined;
    return site;
  }
}
