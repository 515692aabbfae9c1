/**
 * Serialised JSON per stored object. Objects in ClusterState are never changed in place (every
 * change stores a new object), so an object's JSON can be kept until the object is replaced:
 * a list of 10,000 definitions is then a join of cached strings, not 10,000 serialisations.
 * Only views that depend on nothing but the object itself may use this.
 */
const cache = new WeakMap<object, Map<string, Buffer>>();

/** The object's JSON as bytes: lists are then one memory copy (jsonArray), not string joins. */
export function cachedJson(obj: object, variant: string, build: () => unknown): Buffer {
  let byVariant = cache.get(obj);
  if (!byVariant) { byVariant = new Map(); cache.set(obj, byVariant); }
  let bytes = byVariant.get(variant);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify(build()));
    byVariant.set(variant, bytes);
  }
  return bytes;
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** A JSON array from already serialised elements. */
export function jsonArray(items: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [OPEN];
  items.forEach((b, i) => { if (i) parts.push(COMMA); parts.push(b); });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}

const depCache = new WeakMap<object, Map<string, { deps: readonly unknown[]; bytes: Buffer }>>();

/**
 * Like cachedJson, for views that also read other objects (a resource's view reads its
 * definition, group, controller props, pools and the satellite's report): the cached text is
 * reused only while every one of `deps` is the very same object as when it was built.
 */
export function cachedJsonWithDeps(obj: object, variant: string, deps: readonly unknown[], build: () => unknown): Buffer {
  let byVariant = depCache.get(obj);
  if (!byVariant) { byVariant = new Map(); depCache.set(obj, byVariant); }
  const hit = byVariant.get(variant);
  if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.bytes;
  const bytes = Buffer.from(JSON.stringify(build()));
  byVariant.set(variant, { deps, bytes });
  return bytes;
}
