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
