/**
 * Ordered merging of emission streams: each input is ordered by `at` (and may be infinite); the
 * output is ordered by `at`, ties broken by input order, so the merge is deterministic.
 */
import type { Emission } from './emission.ts';

interface Head {
  value: Emission;
  index: number;
  rest: Iterator<Emission>;
}

const before = (a: Head, b: Head): boolean => a.value.at < b.value.at || (a.value.at === b.value.at && a.index < b.index);

export function* mergeByTime(streams: readonly Iterable<Emission>[]): Generator<Emission> {
  const heap: Head[] = [];
  streams.forEach((stream, index) => {
    const rest = stream[Symbol.iterator]();
    const first = rest.next();
    if (!first.done) push(heap, { value: first.value, index, rest });
  });
  while (heap.length > 0) {
    const top = heap[0]!;
    yield top.value;
    const next = top.rest.next();
    if (next.done) {
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        siftDown(heap, 0);
      }
    } else {
      top.value = next.value;
      siftDown(heap, 0);
    }
  }
}

/** Emissions before `end` (virtual epoch ms); stops pulling from the source there. */
export function* takeUntil(stream: Iterable<Emission>, end: number): Generator<Emission> {
  for (const e of stream) {
    if (e.at >= end) return;
    yield e;
  }
}

function push(heap: Head[], item: Head): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

function siftDown(heap: Head[], i: number): void {
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
    if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m]!, heap[i]!];
    i = m;
  }
}
