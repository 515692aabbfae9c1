/**
 * LINSTOR's OpenAPI 3.0 spec → TypeScript types and JSON Schema data.
 *
 * Emits two files under core/api/generated/:
 * - types.ts: one exported type per `components.schemas` entry (the wire shapes), plus
 *   `RequestTypes`, the body type of every operation that takes one;
 * - schemas.ts: the same schemas as JSON Schema (draft 7 as Ajv reads it) and, per operation,
 *   the request schema name and response schemas by status.
 *
 * OpenAPI 3.0 is not JSON Schema, so the schemas are translated: `nullable` becomes a `null`
 * member of `type`, `$ref`s point into one root document (`linstor-openapi`), and keywords that
 * only document (`example`, `xml`, `description`, ...) are dropped.
 */
import { parse } from 'yaml';

type Json = Record<string, unknown>;
export const ROOT_ID = 'linstor-openapi';
const DOC_ONLY = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator', 'nullable', 'description', 'readOnly', 'deprecated', 'info']);

/** One OpenAPI schema → JSON Schema. */
export function translateSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(translateSchema);
  if (!node || typeof node !== 'object') return node;
  const src = node as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (DOC_ONLY.has(k)) continue;
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/')) { out.$ref = `${ROOT_ID}${v}`; continue; }
    if (k === 'properties' && v && typeof v === 'object') {
      // Property names are data, not keywords: translate only their schemas.
      out.properties = Object.fromEntries(Object.entries(v as Json).map(([p, s]) => [p, translateSchema(s)]));
      continue;
    }
    out[k] = translateSchema(v);
  }
  if (src.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

const refName = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1);

function comment(text: unknown, indent: string): string {
  if (typeof text !== 'string' || !text.trim()) return '';
  const lines = text.trim().split('\n').map((l) => l.replace(/\*\//g, '*\\/').trimEnd());
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`).join('\n')}\n${indent} */\n`;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** The TypeScript type of one OpenAPI schema, inline. */
export function tsType(node: unknown, indent = ''): string {
  if (!node || typeof node !== 'object') return 'unknown';
  const s = node as Json;
  const nullable = s.nullable === true ? ' | null' : '';
  if (typeof s.$ref === 'string') return refName(s.$ref) + nullable;
  if (Array.isArray(s.allOf)) return (s.allOf as unknown[]).map((x) => tsType(x, indent)).join(' & ') + nullable;
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) {
    return `(${((s.oneOf ?? s.anyOf) as unknown[]).map((x) => tsType(x, indent)).join(' | ')})${nullable}`;
  }
  switch (s.type) {
    case 'string': return `string${nullable}`;
    case 'integer': case 'number': return `number${nullable}`;
    case 'boolean': return `boolean${nullable}`;
    case 'array': {
      const item = tsType(s.items, indent);
      return `${/[ |&]/.test(item) ? `Array<${item}>` : `${item}[]`}${nullable}`;
    }
    case 'object': case undefined: {
      if (s.properties || s.additionalProperties) return objectBody(s, indent) + nullable;
      return s.type === 'object' ? `Record<string, unknown>${nullable}` : 'unknown';
    }
    default: return 'unknown';
  }
}

function objectBody(s: Json, indent: string): string {
  const props = (s.properties ?? {}) as Record<string, Json>;
  const required = new Set((s.required ?? []) as string[]);
  const inner = `${indent}  `;
  let body = '{\n';
  for (const [name, p] of Object.entries(props)) {
    const doc = [p.description, Array.isArray(p.enum) ? `One of: ${(p.enum as unknown[]).join(', ')}.` : undefined].filter(Boolean).join('\n');
    body += comment(doc, inner);
    body += `${inner}${IDENT.test(name) ? name : JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${tsType(p, inner)};\n`;
  }
  const extra = s.additionalProperties;
  if (extra) body += `${inner}[key: string]: ${extra === true ? 'unknown' : Object.keys(props).length ? 'unknown' : tsType(extra, inner)};\n`;
  return `${body}${indent}}`;
}

interface Operation { method: string; path: string; request?: string; requestSchema?: unknown; responses: Record<string, unknown> }

function operations(spec: Json): Operation[] {
  const out: Operation[] = [];
  const sharedResponses = ((spec.components as Json).responses ?? {}) as Record<string, Json>;
  for (const [path, item] of Object.entries(spec.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (!op || typeof op !== 'object' || !('responses' in op)) continue;
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      const reqSchema = body?.['application/json']?.schema as Json | undefined;
      const responses: Record<string, unknown> = {};
      for (const [status, r0] of Object.entries(op.responses as Record<string, Json>)) {
        const r = typeof r0.$ref === 'string' ? sharedResponses[refName(r0.$ref)] ?? {} : r0;
        const schema = ((r.content as Record<string, Json> | undefined)?.['application/json'])?.schema;
        if (schema) responses[status] = translateSchema(schema);
      }
      out.push({
        method: method.toUpperCase(), path,
        request: reqSchema && typeof reqSchema.$ref === 'string' ? refName(reqSchema.$ref) : undefined,
        requestSchema: reqSchema ? translateSchema(reqSchema) : undefined,
        responses,
      });
    }
  }
  return out;
}

const HEADER = (what: string) => `// Generated by scripts/gen/openapi.ts from core/api/spec/linstor-rest-v1-openapi.yaml (${what}).\n// Do not edit: change the generator or the spec, then run \`npm run gen\`.\n/* eslint-disable */\n`;

export function generateTypes(spec: Json): string {
  const schemas = (spec.components as Json).schemas as Record<string, Json>;
  let out = `${HEADER('types')}\n`;
  for (const [name, s] of Object.entries(schemas)) {
    out += comment(s.description, '');
    const isObject = (s.type === 'object' || s.type === undefined) && (s.properties || s.allOf);
    if (isObject && Array.isArray(s.allOf) && (s.allOf as Json[]).every((x) => typeof x.$ref === 'string' || x.type === 'object' || x.properties)) {
      const parents = (s.allOf as Json[]).filter((x) => typeof x.$ref === 'string').map((x) => refName(x.$ref as string));
      const own = (s.allOf as Json[]).filter((x) => typeof x.$ref !== 'string');
      const merged: Json = { properties: Object.assign({}, ...own.map((x) => x.properties ?? {})), required: own.flatMap((x) => (x.required ?? []) as string[]) };
      out += `export interface ${name}${parents.length ? ` extends ${parents.join(', ')}` : ''} ${objectBody(merged, '')}\n\n`;
    } else if (isObject && s.properties && !s.additionalProperties) {
      out += `export interface ${name} ${objectBody(s, '')}\n\n`;
    } else {
      out += `export type ${name} = ${tsType(s, '')};\n\n`;
    }
  }
  const ops = operations(spec).filter((o) => o.requestSchema);
  out += '/** The request body of every operation that takes one, by "METHOD /path". */\nexport interface RequestTypes {\n';
  for (const o of ops) out += `  ${JSON.stringify(`${o.method} ${o.path}`)}: ${tsType(rawRequestSchema(spec, o), '  ')};\n`;
  out += '}\n\n/** Component schema names. */\nexport type SchemaName =\n';
  out += Object.keys(schemas).map((n) => `  | ${JSON.stringify(n)}`).join('\n');
  return `${out};\n`;
}

function rawRequestSchema(spec: Json, o: Operation): unknown {
  const item = (spec.paths as Record<string, Record<string, Json>>)[o.path]![o.method.toLowerCase()]!;
  return (((item.requestBody as Json).content as Record<string, Json>)['application/json'])!.schema;
}

export function generateSchemas(spec: Json): string {
  const components = { schemas: translateSchema((spec.components as Json).schemas) };
  const ops = Object.fromEntries(operations(spec).map((o) => [`${o.method} ${o.path}`, {
    ...(o.requestSchema ? { request: o.requestSchema } : {}), responses: o.responses,
  }]));
  return `${HEADER('JSON Schema data')}
export const ROOT_ID = ${JSON.stringify(ROOT_ID)};

/** \`components\` of the spec as JSON Schema; refs read \`${ROOT_ID}#/components/schemas/Name\`. */
export const COMPONENTS: Record<string, unknown> = ${JSON.stringify(components, null, 1)};

export interface OperationSchemas { request?: unknown; responses: Record<string, unknown> }

/** Request and response schemas of every operation, by "METHOD /path" as the spec writes it. */
export const OPERATIONS: Record<string, OperationSchemas> = ${JSON.stringify(ops, null, 1)};
`;
}

export function parseSpec(yamlText: string): Json {
  return parse(yamlText) as Json;
}
