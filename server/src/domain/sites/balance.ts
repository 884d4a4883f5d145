/**
 * Which node should run which site, when two or more nodes share the sites (docs/architecture.md
 * "Sites and leases"). Every node computes the same assignment from the same picture of the
 * lease table, so they agree without talking to each other; the leases themselves (one atomic
 * statement per acquire) guarantee that a disagreement during a change can never give a site two
 * holders, only delay its hand-over by a renew period.
 *
 * The assignment is balanced and sticky:
 * - with S sites over N live nodes, every node gets floor(S/N) or ceil(S/N) sites, and only
 *   S mod N of them get the larger share, so no node holds more than ceil(S/N);
 * - a site stays where it is unless its holder is over its share, so a balanced table is a fixed
 *   point: nothing moves, nothing flaps;
 * - the larger shares go to nodes that already hold more than the smaller share (then by node
 *   id), so a node joining or leaving moves few sites, and a half-done move never changes the
 *   target (a site is given up at most once on the way to a balanced table).
 */

export interface BalanceInput {
  /** Every site to run. */
  readonly sites: readonly string[];
  /** Nodes that may hold sites: heard from within the lease TTL and not draining. */
  readonly live: readonly string[];
  /** The holder of each site whose lease is valid now; a site not here is free. */
  readonly holders: ReadonlyMap<string, string>;
}

/** The node each site should be held by (every site is assigned when any node is live). */
export function balanceSites({ sites, live, holders }: BalanceInput): Map<string, string> {
  const target = new Map<string, string>();
  const nodes = [...new Set(live)].sort();
  if (nodes.length === 0) return target;
  const all = [...new Set(sites)].sort();
  const liveSet = new Set(nodes);

  const holding = new Map<string, string[]>(nodes.map((n) => [n, []]));
  for (const site of all) {
    const holder = holders.get(site);
    if (holder !== undefined && liveSet.has(holder)) holding.get(holder)!.push(site);
  }

  const base = Math.floor(all.length / nodes.length);
  // The larger shares go first to nodes already holding more than the smaller share, then by id.
  // Ordering by how many each holds would pick differently as a move half-happens (a node giving
  // sites back passes through the counts of the others), and the sites would move again.
  const over = (n: string): number => (holding.get(n)!.length > base ? 0 : 1);
  const larger = new Set([...nodes].sort((a, b) => over(a) - over(b) || cmp(a, b)).slice(0, all.length % nodes.length));
  const room = new Map(nodes.map((n) => [n, base + (larger.has(n) ? 1 : 0)]));

  for (const node of nodes) {
    // Sorted, so which of an over-share node's sites it keeps does not depend on arrival order.
    for (const site of holding.get(node)!.slice(0, room.get(node)!)) target.set(site, node);
    room.set(node, room.get(node)! - Math.min(room.get(node)!, holding.get(node)!.length));
  }
  for (const site of all) {
    if (target.has(site)) continue;
    let best = nodes[0]!;
    for (const n of nodes) if (room.get(n)! > room.get(best)!) best = n;
    target.set(site, best);
    room.set(best, room.get(best)! - 1);
  }
  return target;
}

/** What `node` should do to move towards `target`: give back what it holds beyond its share, take free sites assigned to it. */
export function leaseMoves(node: string, target: ReadonlyMap<string, string>, holders: ReadonlyMap<string, string>): { release: string[]; acquire: string[] } {
  const release: string[] = [];
  for (const [site, holder] of holders) if (holder === node && target.get(site) !== node) release.push(site);
  const acquire: string[] = [];
  // A site still held by someone else (a dead node's lease not yet expired, a peer handing it
  // over) is left until it is free: acquiring it would fail anyway.
  for (const [site, to] of target) if (to === node && !holders.has(site)) acquire.push(site);
  return { release: release.sort(), acquire: acquire.sort() };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
