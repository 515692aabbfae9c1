/**
 * Serialised JSON per stored object. Objects in ClusterState are never changed in place (every
 * change stores a new object), so an object's JSON can be kept until the object is replaced:
 * a list of 10,000 definitions is then a join of cached strings, not 10,000 serialisations.
 * Only views that depend on nothing but the object itself may use this.
 */
const cache = new WeakMap<object, Map<string, string>>();

export function cachedJson(obj: object, variant: string, build: () => unknown): string {
  let byVariant = cache.get(obj);
  if (!byVariant) { byVariant = new Map(); cache.set(obj, byVariant); }
  let text = byVariant.get(variant);
  if (text === undefined) {
    text = JSON.stringify(build());
    byVariant.set(variant, text);
  }
  return text;
}

const depCache = new WeakMap<object, Map<string, { deps: readonly unknown[]; text: string }>>();

/**
 * Like cachedJson, for views that also read other objects (a resource's view reads its
 * definition, group, controller props, pools and the satellite's report): the cached text is
 * reused only while every one of `deps` is the very same object as when it was built.
 */
export function cachedJsonWithDeps(obj: object, variant: string, deps: readonly unknown[], build: () => unknown): string {
  let byVariant = depCache.get(obj);
  if (!byVariant) { byVariant = new Map(); depCache.set(obj, byVariant); }
  const hit = byVariant.get(variant);
  if (hit && hit.deps.length === deps.length && hit.deps.every((d, i) => d === deps[i])) return hit.text;
  const text = JSON.stringify(build());
  byVariant.set(variant, { deps, text });
  return text;
}
