/**
 * Validates response bodies against LINSTOR's OpenAPI 3.0.2 spec
 * (`core/api/spec/linstor-rest-v1-openapi.yaml`, committed with its origin noted).
 *
 * OpenAPI 3.0 is not JSON Schema, so the spec is translated once:
 * - `nullable: true` becomes a `null` member of `type`;
 * - `$ref: '#/components/schemas/X'` points into one registered root schema;
 * - string enums also accept their upper-case spelling: the spec writes Node.type as
 *   "Satellite"/"Combined" while the real server emits the Java enum names "SATELLITE", ...
 *   (see contracts/linstor-rest-endpoints.md; clients compare case-insensitively);
 * - `oneOf` is read as `anyOf` (its alternatives overlap: every property is optional);
 * - int32/int64/float/double/byte formats are accepted as plain numbers/strings; bodies are
 *   parsed with JSON.parse, so int64 ret_codes lose precision, which a schema check ignores.
 * Error statuses (>= 400) are validated as ApiCallRcList: the spec's shared `OperationFailed`
 * response names a single ApiCallRc, but LINSTOR always answers with a list.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { OPERATIONS } from '../../core/api/generated/schemas.js';
import { REPO_ROOT } from './controller.js';

interface Assertions { true(actual: boolean, message?: string): void; fail(message?: string): void; pass(message?: string): void }
type Json = Record<string, unknown>;

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const ROOT_ID = 'linstor-openapi';

export function specPath(): string {
  return resolve(REPO_ROOT, 'core/api/spec/linstor-rest-v1-openapi.yaml');
}

/** OpenAPI 3.0 schema → JSON Schema (draft 7 as Ajv reads it). */
function translate(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translate);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'example' || k === 'examples' || k === 'xml' || k === 'externalDocs' || k === 'discriminator' || k === 'nullable') continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/')) { out.$ref = `${ROOT_ID}${v}`; continue; }
    // The spec's layer-data oneOfs list schemas whose properties are all optional, so a sparse
    // object (a volume before its first report) fits several: read them as anyOf.
    if (k === 'oneOf') { out.anyOf = translate(v); continue; }
    if (k === 'properties' && v && typeof v === 'object') {
      // Property names are data, not keywords: translate only their schemas.
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, translate(s)]));
      continue;
    }
    out[k] = translate(v);
  }
  const src = node as Json;
  if (src.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (Array.isArray(out.enum) && out.enum.every((e) => typeof e === 'string')) {
    out.enum = [...new Set([...(out.enum as string[]), ...(out.enum as string[]).map((e) => e.toUpperCase())])];
  }
  return out;
}

interface Loaded { spec: Json; ajv: Ajv; cache: Map<string, ValidateFunction> }
let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  const path = specPath();
  if (!existsSync(path)) throw new Error(`OpenAPI spec not found at ${path} (it is committed in the repository)`);
  const spec = parse(readFileSync(path, 'utf8')) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: ROOT_ID, components: translate(spec.components) as Json });
  loaded = { spec, ajv, cache: new Map() };
  return loaded;
}

function responseSchema(spec: Json, method: string, pathTemplate: string, status: number): unknown {
  if (status >= 400) return { $ref: `${ROOT_ID}#/components/schemas/ApiCallRcList` };
  const paths = spec.paths as Record<string, Record<string, Json>>;
  const item = paths[pathTemplate];
  if (!item) throw new Error(`path ${pathTemplate} is not in the OpenAPI spec`);
  const op = item[method.toLowerCase()];
  if (!op) throw new Error(`${method.toUpperCase()} ${pathTemplate} is not in the OpenAPI spec`);
  const responses = op.responses as Record<string, Json>;
  let resp = responses[String(status)] ?? responses.default
    ?? Object.entries(responses).find(([code]) => /^2\d\d$/.test(code))?.[1];
  if (!resp) throw new Error(`${method.toUpperCase()} ${pathTemplate} has no response for ${status}`);
  if (typeof resp.$ref === 'string') {
    const name = resp.$ref.split('/').pop()!;
    resp = ((spec.components as Json).responses as Record<string, Json>)[name]!;
  }
  const content = resp.content as Record<string, { schema?: unknown }> | undefined;
  return content?.['application/json']?.schema;
}

function validatorFor(key: string, schema: unknown): ValidateFunction {
  const l = load();
  const cached = l.cache.get(key);
  if (cached) return cached;
  const v = l.ajv.compile(translate(schema) as Json);
  l.cache.set(key, v);
  return v;
}

function check(t: Assertions, what: string, validate: ValidateFunction | undefined, body: unknown): void {
  const data = typeof body === 'string' ? JSON.parse(body) as unknown : body;
  if (!validate) { t.fail(`${what}: no JSON schema in the spec`); return; }
  const ok = validate(data) as boolean;
  if (!ok) {
    const errs = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('; ');
    t.fail(`${what} does not match the OpenAPI spec: ${errs}\nbody: ${JSON.stringify(data).slice(0, 600)}`);
    return;
  }
  t.true(ok, what);
}

/**
 * Asserts that `body` (parsed, or the raw text) matches the schema of the operation's
 * response for `status` (falling back to 'default', then the first 2xx response).
 */
export function assertMatchesSpec(t: Assertions, method: string, pathTemplate: string, status: number, body: unknown): void {
  const l = load();
  const schema = responseSchema(l.spec, method, pathTemplate, status);
  const key = `${method.toUpperCase()} ${pathTemplate} ${status >= 400 ? 'error' : status}`;
  check(t, key, schema === undefined ? undefined : validatorFor(key, schema), body);
}

/** Asserts that `body` matches components/schemas/`name` (for the server-only single GETs the spec omits). */
export function assertMatchesSchema(t: Assertions, name: string, body: unknown): void {
  const l = load();
  if (!((l.spec.components as Json).schemas as Json)[name]) throw new Error(`schema ${name} is not in the OpenAPI spec`);
  check(t, `schema ${name}`, validatorFor(`schema:${name}`, { $ref: `#/components/schemas/${name}` }), body);
}

/**
 * The spec's path template of a concrete request path ("/v1/nodes/alpha" → "/v1/nodes/{node}"),
 * or undefined when the spec has no such operation. Literal segments win over parameters.
 */
export function specPathFor(method: string, path: string): string | undefined {
  const bare = path.split('?')[0]!.replace(/\/+$/, '');
  const m = method.toUpperCase();
  let best: { tpl: string; literals: number } | undefined;
  for (const key of Object.keys(OPERATIONS)) {
    const [km, tpl] = key.split(' ') as [string, string];
    if (km !== m) continue;
    const parts = tpl.split('/');
    const got = bare.split('/');
    if (parts.length !== got.length) continue;
    let literals = 0;
    const ok = parts.every((p, i) => {
      if (/^\{.+\}$/.test(p)) return got[i] !== '';
      if (p.toLowerCase() === got[i]!.toLowerCase()) { literals++; return true; }
      return false;
    });
    if (ok && (!best || literals > best.literals)) best = { tpl, literals };
  }
  return best?.tpl;
}
