/**
 * Where in a YAML file a path of a parsed document stands, for `file:line: path: message`
 * reports. Used by the server's facility loader and the simulator's YAML files alike. Not in
 * index.ts: the dashboard has no use for it and need not bundle `yaml`.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from 'yaml';

/** One step into a YAML document: a mapping key or a sequence index. */
export type YamlPathSegment = string | number;

/** A path as people read it in a report: `sites[0].floors[1].id`, or `(root)`. */
export function formatPath(path: readonly YamlPathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out || '(root)';
}

/**
 * Line (1-based) of the node at `path`, or of its nearest ancestor present in the document (a
 * missing key is reported at the mapping that should hold it). A mapping entry is reported at its
 * key, so `thresholds: { … }` points at the `thresholds` line. `lineCounter` is the one given to
 * `parseDocument`; null when the document has no source position at all.
 */
export function yamlLineOf(doc: Document, lineCounter: LineCounter, path: readonly YamlPathSegment[]): number | null {
  const offset = offsetOf(doc, path);
  return offset === null ? null : lineCounter.linePos(offset).line;
}

function offsetOf(doc: Document, path: readonly YamlPathSegment[]): number | null {
  let node: unknown = doc.contents;
  let offset = rangeStart(node);
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | null {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? range[0] : null;
}
