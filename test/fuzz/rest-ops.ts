/**
 * The REST operations of LINSTOR's OpenAPI spec as fuzz targets: method, path template, and
 * a body skeleton built from the request schema, so hostile values land in real fields (the
 * request passes the JSON shape and reaches the rules behind it) as well as in wrong places.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/controller.js';

type Schema = Record<string, unknown>;
export interface RestOp { method: string; path: string; params: string[]; body?: unknown }

/**
 * Left out, each for a reason: the master passphrase (wrong guesses are slowed down on
 * purpose; tested in test/security), physical storage (it names real block devices), and
 * remote backup shipping and SOS reports (not implemented; they would only time out).
 */
const SKIP = [/^\/v1\/encryption\//, /^\/v1\/physical-storage/, /^\/v1\/remotes/, /^\/v1\/sos-report/, /\/backups?(\/|$)/, /^\/v1\/schedules/];

export function restOps(): RestOp[] {
  const spec = parse(readFileSync(resolve(REPO_ROOT, 'core/api/spec/linstor-rest-v1-openapi.yaml'), 'utf8')) as { paths: Record<string, Record<string, Schema>>; components: { schemas: Record<string, Schema> } };
  const deref = (s: Schema | undefined): Schema | undefined => {
    const ref = s?.$ref;
    return typeof ref === 'string' ? spec.components.schemas[ref.split('/').pop()!] : s;
  };
  const sample = (raw: Schema | undefined, depth: number): unknown => {
    const s = deref(raw);
    if (!s || depth > 4) return undefined;
    if (Array.isArray(s.allOf)) return Object.assign({}, ...(s.allOf as Schema[]).map((x) => sample(x, depth) as object));
    switch (s.type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
          const x = sample(v, depth + 1);
          if (x !== undefined) out[k] = x;
        }
        if (s.additionalProperties && !s.properties) out['Aux/fuzz'] = 'value';
        return out;
      }
      case 'array': return [sample(s.items as Schema, depth + 1)].filter((x) => x !== undefined);
      case 'integer': case 'number': return 1;
      case 'boolean': return false;
      case 'string': return Array.isArray(s.enum) ? s.enum[0] : 'fuzzname';
      default: return undefined;
    }
  };
  const ops: RestOp[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    if (SKIP.some((re) => re.test(path))) continue;
    for (const [method, op] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = ((op.requestBody as Schema | undefined)?.content as Record<string, Schema> | undefined)?.['application/json'];
      const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      ops.push({ method: method.toUpperCase(), path, params, body: content ? sample(content.schema as Schema, 0) : undefined });
    }
  }
  return ops;
}

/** Leaf paths of a JSON value (arrays by index), so a hostile value can replace one of them. */
export function leafPaths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(v)) return v.length ? v.flatMap((x, i) => leafPaths(x, [...prefix, i])) : [prefix];
  if (v && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length ? keys.flatMap((k) => leafPaths((v as Record<string, unknown>)[k], [...prefix, k])) : [prefix];
  }
  return [prefix];
}

export function setAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), value);
  return copy;
}
