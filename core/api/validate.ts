/**
 * Request validation at the one edge: every request body is checked against LINSTOR's
 * OpenAPI schema of its operation and coerced the way LINSTOR's Jackson ObjectMapper reads it,
 * then our own rules (names, sizes, property keys: ./rules.ts) run in the same pass.
 *
 * What Jackson (LINSTOR's `new ObjectMapper()` in each REST resource) does and so do we:
 * - numeric strings become integers/numbers (`"place_count": "2"` → 2);
 * - numbers and booleans become strings where the schema says string (`{"Aux/pm/vmid": 100}`
 *   is stored as "100"); "true"/"false" (also "True", "TRUE", ...) become booleans, and a
 *   fraction where an integer belongs is truncated;
 * - `null` is the same as an absent field;
 * - `required`, `enum`, `format` and ranges in the spec are documentation to Jackson (the Java
 *   fields are plain Strings and Integers): LINSTOR's own checks decide, so do our rules.
 * Where Jackson's defaults are stricter we are too: a single value where a list is expected
 * is refused (ACCEPT_SINGLE_VALUE_AS_ARRAY is off in LINSTOR's mappers), and so is an object
 * where a string is expected. Unknown fields are ignored (LINSTOR would refuse them; a newer
 * client's extra field must not break an older server).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ApiError } from '../model/errors.js';
import { COMPONENTS, OPERATIONS, ROOT_ID } from './generated/schemas.js';
import type { RequestTypes, SchemaName } from './generated/types.js';
import { SCHEMA_RULES } from './rules.js';

export type RequestKey = keyof RequestTypes;

const RULE = 'x-linstor-rule';
/** Keywords Jackson does not enforce: LINSTOR's checks (our rules) decide instead. */
const NOT_CHECKED_BY_JACKSON = new Set(['required', 'enum', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'default']);

type Json = Record<string, unknown>;

function relax(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(relax);
  if (!node || typeof node !== 'object') return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (NOT_CHECKED_BY_JACKSON.has(k)) continue;
    out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, relax(s)])) : relax(v);
  }
  const lenient = out.properties ? jacksonScalars(out.properties as Json) : undefined;
  if (lenient) out[SCALARS] = lenient;
  return out;
}

/**
 * Where Jackson reads more than ajv coerces: "True"/"TRUE"/"False"/"FALSE" for a boolean
 * (ajv takes only "true"/"false") and a fraction for an integer, truncated (Jackson's
 * ACCEPT_FLOAT_AS_INT is on by default). Per object: property name → 'boolean' | 'integer',
 * with '[]' for a list of them; fixed up before `properties` checks the types.
 */
const SCALARS = 'x-jackson-scalars';

function jacksonScalars(props: Json): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const [p, s] of Object.entries(props)) {
    const t = (s as Json).type;
    const items = ((s as Json).items as Json | undefined)?.type;
    if (t === 'boolean' || t === 'integer') out[p] = t;
    else if (t === 'array' && (items === 'boolean' || items === 'integer')) out[p] = `${items}[]`;
  }
  return Object.keys(out).length ? out : undefined;
}

function jacksonScalar(kind: string, v: unknown): unknown {
  if (kind === 'boolean' && typeof v === 'string') {
    const t = v.trim();
    return t === 'True' || t === 'TRUE' ? true : t === 'False' || t === 'FALSE' ? false : v;
  }
  if (kind === 'integer' && typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v)) return Math.trunc(v);
  return v;
}

function fixScalars(kinds: Record<string, string>, data: unknown): boolean {
  if (!data || typeof data !== 'object' || Array.isArray(data)) return true;
  const obj = data as Json;
  for (const [p, kind] of Object.entries(kinds)) {
    const v = obj[p];
    if (v === undefined) continue;
    obj[p] = kind.endsWith('[]') && Array.isArray(v) ? v.map((x) => jacksonScalar(kind.slice(0, -2), x)) : jacksonScalar(kind, v);
  }
  return true;
}

function requestComponents(): Json {
  const schemas = relax((COMPONENTS as { schemas: Json }).schemas) as Record<string, Json>;
  for (const name of Object.keys(SCHEMA_RULES)) {
    const s = schemas[name];
    if (!s) throw new Error(`rules.ts names schema ${name}, which the spec does not have`);
    // Last, so the properties (and their nested rules) are checked first.
    schemas[name] = { ...s, [RULE]: name };
  }
  return { schemas };
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: true, validateFormats: false, useDefaults: false });
  ajv.addKeyword({
    keyword: RULE,
    // In the object group, after `properties`: the rule sees the coerced values.
    type: 'object',
    errors: true,
    validate: function check(this: unknown, schemaName: SchemaName, data: unknown): boolean {
      const self = check as unknown as { errors?: Partial<ErrorObject>[] };
      try {
        SCHEMA_RULES[schemaName]!(data as Json);
        return true;
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        self.errors = [{ keyword: RULE, message: err.message, params: { error: err } }];
        return false;
      }
    },
  });
  ajv.addKeyword({ keyword: SCALARS, type: 'object', modifying: true, before: 'properties', errors: false, validate: fixScalars });
  ajv.addSchema({ $id: ROOT_ID, components: requestComponents() });
  return ajv;
}

function validatorFor(key: RequestKey): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    const op = OPERATIONS[key];
    if (!op?.request) throw new Error(`${key} takes no request body in the spec`);
    // Wrapped in an object so a top-level value can be coerced too.
    v = instance().compile({ type: 'object', properties: { body: relax(op.request) } });
    compiled.set(key, v);
  }
  return v;
}

/** Jackson reads `null` for a field as "not given": drop them so rules see absent fields. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!v || typeof v !== 'object') return v;
  const out: Json = {};
  for (const [k, x] of Object.entries(v as Json)) if (x !== null) out[k] = dropNulls(x);
  return out;
}

function where(e: ErrorObject): string {
  const path = e.instancePath.replace(/^\/body/, '').replace(/^\//, '').replace(/~1/g, '/').replace(/~0/g, '~');
  return path ? `'${path}'` : 'The request body';
}

/**
 * Validates and coerces `body` for the operation `key` ("METHOD /path" as in the spec).
 * Throws LINSTOR's API_CALL_PARSE_ERROR (HTTP 400) when the JSON does not fit the schema, or
 * the ApiError of the first rule it breaks.
 */
export function validateRequest<K extends RequestKey>(key: K, body: unknown): RequestTypes[K] {
  const holder = { body: dropNulls(body) };
  const v = validatorFor(key);
  if (v(holder)) return holder.body as RequestTypes[K];
  const errors = v.errors ?? [];
  const typeErrors = errors.filter((e) => e.keyword !== RULE);
  if (typeErrors.length) {
    const details = typeErrors.slice(0, 5).map((e) => `${where(e)} ${e.message ?? 'is invalid'}`).join('; ');
    throw new ApiError('API_CALL_PARSE_ERROR', 'Unable to parse input json.', {
      details, correction: `Send a JSON body as the REST API describes for ${key}.`,
    });
  }
  // Outermost rule first: LINSTOR checks the object before what it contains.
  const first = [...errors].sort((a, b) => a.instancePath.split('/').length - b.instancePath.split('/').length)[0]!;
  throw (first.params as { error: ApiError }).error;
}

/** Every operation key that has a request body (for tests and route declarations). */
export function requestKeys(): RequestKey[] {
  return Object.entries(OPERATIONS).filter(([, o]) => o.request).map(([k]) => k as RequestKey);
}
