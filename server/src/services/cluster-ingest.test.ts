// HTTP ingest on a node of a cluster (docs/architecture.md "Several nodes"): observations of a
// site held elsewhere go to its holder before the device gets its answer, and the answer reads as
// one node's would (positions in the device's request, every rejection); what the key's scope
// refuses, or names no site of the facility, is answered here as on one node.
import { describe, expect, it } from 'vitest';
import type { IngestResult } from '../../../contract/index.ts';
import { ClusterIngest, type IngestForwarder } from './cluster-ingest.ts';
import type { HttpGrant } from './ingest.service.ts';
import { SiteUnavailableError } from './site-alarms.ports.ts';

const SITE_OF: Record<string, string> = { 'gas-n1': 'north', 'gas-n2': 'north', 'gas-s1': 'south', 'gas-e1': 'east' };
const siteOf = (id: string): string | undefined => SITE_OF[id];

/** Accepts every item but those whose `value` is negative, like a holder refusing a bad one. */
function judge(items: unknown[]): IngestResult {
  const rejections = items.flatMap((item, index) =>
    (item as { value?: number }).value !== undefined && (item as { value: number }).value < 0
      ? [{ index, reason: 'invalid_payload' as const, detail: 'negative' }]
      : [],
  );
  return { accepted: items.length - rejections.length, rejected: rejections.length, rejections };
}

class Node {
  readonly local: { items: unknown[]; grant: HttpGrant }[] = [];
  readonly forwarded: { site: string; items: unknown[]; keyId: string | undefined }[] = [];
  failSite: string | undefined;
  readonly ingest: ClusterIngest;

  constructor(held: string[]) {
    const forwarder: IngestForwarder = {
      forwardIngest: async (site, items, keyId) => {
        if (site === this.failSite) throw new SiteUnavailableError('NO_HOLDER', site);
        this.forwarded.push({ site, items, keyId });
        return judge(items);
      },
    };
    this.ingest = new ClusterIngest({
      local: {
        handleHttpItems: async (items, _siteOf, grant = {}) => {
          this.local.push({ items, grant });
          return judge(items);
        },
      },
      isSite: (s) => ['north', 'south', 'east'].includes(s),
      holds: (s) => held.includes(s),
      forwarder,
    });
  }
}

const item = (sensorId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ sensorId, channel: 'reading', value: 1, ...extra });

describe('ClusterIngest', () => {
  it('sends each held-elsewhere site its own items, keeps the rest, and answers in the positions of the request', async () => {
    const node = new Node(['north']);
    const items = [item('gas-s1'), item('gas-n1'), item('gas-e1', { value: -1 }), item('gas-s1', { value: -2 }), item('gas-n2', { value: -3 }), item('gas-e1')];
    const result = await node.ingest.handleHttpItems(items, siteOf, { keyId: 'k1' });

    expect(node.local.map((l) => l.items)).toEqual([[items[1], items[4]]]);
    expect(node.forwarded).toEqual([
      { site: 'south', items: [items[0], items[3]], keyId: 'k1' },
      { site: 'east', items: [items[2], items[5]], keyId: 'k1' },
    ]);
    expect(result).toEqual({
      accepted: 3,
      rejected: 3,
      rejections: [
        { index: 2, reason: 'invalid_payload', detail: 'negative' },
        { index: 3, reason: 'invalid_payload', detail: 'negative' },
        { index: 4, reason: 'invalid_payload', detail: 'negative' },
      ],
    });
  });

  it('an item naming its site goes by that site; unknown sites, sensors and shapes stay here to be refused or accepted as on one node', async () => {
    const node = new Node(['north']);
    const items = [item('unregistered-1', { siteId: 'south' }), item('nowhere-1'), item('x', { siteId: 'mars' }), 'not an object', { channel: 'reading' }, [1]];
    await node.ingest.handleHttpItems(items, siteOf);
    expect(node.forwarded).toEqual([{ site: 'south', items: [items[0]], keyId: undefined }]);
    expect(node.local.map((l) => l.items)).toEqual([items.slice(1)]);
  });

  it("items the API key's scope refuses are not sent: refused here, with the key's grant", async () => {
    const node = new Node(['north']);
    const grant: HttpGrant = { keyId: 'k-north', allows: (site) => site === 'north' };
    const items = [item('gas-s1'), item('gas-n1')];
    await node.ingest.handleHttpItems(items, siteOf, grant);
    expect(node.forwarded).toEqual([]);
    expect(node.local).toEqual([{ items, grant }]);
  });

  it('a site with no holder fails the request (the device retries) before any of its items is accepted here', async () => {
    const node = new Node(['north']);
    node.failSite = 'east';
    await expect(node.ingest.handleHttpItems([item('gas-n1'), item('gas-e1')], siteOf)).rejects.toMatchObject({ code: 'NO_HOLDER', site: 'east' });
    expect(node.local).toEqual([]);
  });

  it('everything held here: one local call, as on one node', async () => {
    const node = new Node(['north', 'south', 'east']);
    const items = [item('gas-s1'), item('gas-n1'), item('gas-e1')];
    expect(await node.ingest.handleHttpItems(items, siteOf)).toEqual({ accepted: 3, rejected: 0, rejections: [] });
    expect(node.forwarded).toEqual([]);
    expect(node.local.map((l) => l.items)).toEqual([items]);
  });
});
