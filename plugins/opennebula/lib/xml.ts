/**
 * Small readers over xml2js output (explicitArray: false). OpenNebula wraps most values in
 * CDATA; xml2js gives them as plain strings, empty elements as '' or an object.
 */
import { parseStringPromise } from 'xml2js';

export type XmlNode = Record<string, unknown>;

export async function parseXml(text: string): Promise<XmlNode> {
  return (await parseStringPromise(text, { explicitArray: false, trim: true })) as XmlNode;
}

/** The text of `node[path[0]][path[1]]...`, or '' when absent. */
export function text(node: unknown, ...path: string[]): string {
  let cur: unknown = node;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return '';
    cur = (cur as XmlNode)[p];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number') return String(cur);
  if (cur && typeof cur === 'object' && typeof (cur as XmlNode)._ === 'string') return (cur as XmlNode)._ as string;
  return '';
}

export function child(node: unknown, ...path: string[]): XmlNode | undefined {
  let cur: unknown = node;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as XmlNode)[p];
  }
  return cur && typeof cur === 'object' && !Array.isArray(cur) ? (cur as XmlNode) : undefined;
}

/** An element that may occur once or many times, always as an array. */
export function list(node: unknown, ...path: string[]): XmlNode[] {
  let cur: unknown = node;
  for (const p of path) {
    if (!cur || typeof cur !== 'object') return [];
    cur = (cur as XmlNode)[p];
  }
  if (cur === undefined || cur === null || cur === '') return [];
  return (Array.isArray(cur) ? cur : [cur]).filter((x): x is XmlNode => !!x && typeof x === 'object');
}

/** The TEMPLATE children as a flat string map. */
export function templateMap(node: unknown): Record<string, string> {
  const t = child(node, 'TEMPLATE');
  const out: Record<string, string> = {};
  if (!t) return out;
  for (const [k, v] of Object.entries(t)) {
    const s = text(t, k);
    if (s !== '' || typeof v === 'string') out[k] = s;
  }
  return out;
}
