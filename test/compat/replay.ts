/**
 * Replays requests transcribed from the source of real LINSTOR clients
 * (test/fixtures/clients/<client>/*.json; not recordings: see that folder's README) as each
 * client puts them on the wire: method, path with its query string, headers, and the body
 * serialised the way that client's JSON encoder does it.
 *
 * A fixture names `{{placeholders}}` (resource, node, pool names) that the test fills in, so
 * parallel test files never share names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/controller.js';

/** How the client's JSON library writes a body (differences a lenient server must accept). */
export type BodyEncoding =
  | 'perl-json-xs'        // JSON::XS encode_json: compact, no trailing newline
  | 'python-json-dumps'   // json.dumps(): ", " and ": " separators
  | 'go-json-encoder';    // json.NewEncoder(buf).Encode(): compact plus a trailing "\n"

export interface TranscribedRequest {
  /** What the client does at this point, in its own words (sub/method name). */
  call: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** What the client accepts: exact statuses (proxmox) or a range (golinstor: 200..399). */
  expect?: { status?: number; statusIn?: [number, number] };
}

export interface Fixture {
  client: string;
  /** Repository @ commit, files and functions the requests were transcribed from. */
  source: string;
  flow: string;
  encoding: BodyEncoding;
  /** Headers every request of this client carries. */
  headers: Record<string, string>;
  /** Content-Type the client adds only when a request has a body (golinstor's newRequest). */
  contentTypeWithBody?: string;
  requests: TranscribedRequest[];
}

export interface Answer<T = any> {
  call: string;
  method: string;
  path: string;
  status: number;
  headers: Headers;
  text: string;
  /** Parsed with ret_code kept exact (bigint). */
  body: T;
}

/**
 * JSON.parse that keeps integers beyond 2^53 exact as bigint (ret_code, Long.MAX capacities of
 * diskless pools): a Go or Python client reads them exactly, so the checks must too.
 */
export function parseExact<T = unknown>(text: string): T {
  const MARK = '@@exact-int@@';
  // Only number tokens after ':' '[' or ',' outside strings: walk the text once.
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      out += c;
      if (c === '\\') { out += text[++i] ?? ''; } else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') { inStr = true; out += c; continue; }
    const m = /^-?\d{16,}(?![.eE\d])/.exec(text.slice(i, i + 40));
    if (m && !/[\d.]/.test(text[i - 1] ?? '')) {
      out += `"${MARK}${m[0]}"`;
      i += m[0].length - 1;
      continue;
    }
    out += c;
  }
  return JSON.parse(out, (_k, v) => {
    if (typeof v !== 'string' || !v.startsWith(MARK)) return v;
    const big = BigInt(v.slice(MARK.length));
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }) as T;
}

/** JSON for assertion messages: answers parsed by parseExact may hold bigints. */
export function show(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
}

export function loadFixture(client: string, name: string): Fixture {
  const file = join(REPO_ROOT, 'test', 'fixtures', 'clients', client, `${name}.json`);
  return JSON.parse(readFileSync(file, 'utf8')) as Fixture;
}

/** Replaces `{{key}}` in every string of a JSON value; a value that is exactly `{{key}}` takes the variable's type. */
export function fill<T>(value: T, vars: Record<string, string | number>): T {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole && typeof vars[whole[1]!] === 'number') return vars[whole[1]!] as T;
    return value.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => {
      if (!(k in vars)) throw new Error(`fixture placeholder {{${k}}} has no value`);
      return String(vars[k]);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k, vars), fill(v, vars)])) as T;
  }
  return value;
}

/** Python's json.dumps default separators, for exactly what python-linstor sends. */
function pythonDumps(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pythonDumps).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pythonDumps(x)}`).join(', ')}}`;
  // json.dumps escapes non-ASCII by default (ensure_ascii=True)
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function encodeBody(body: unknown, encoding: BodyEncoding): string {
  switch (encoding) {
    case 'python-json-dumps': return pythonDumps(body);
    case 'go-json-encoder': return `${JSON.stringify(body)}\n`;
    default: return JSON.stringify(body);
  }
}

/** Sends one transcribed request; `vars` fill the fixture's placeholders. */
export async function send<T = any>(baseUrl: string, fx: Fixture, req: TranscribedRequest, vars: Record<string, string | number>): Promise<Answer<T>> {
  const path = fill(req.path, vars);
  const headers: Record<string, string> = { ...fx.headers, ...(req.headers ?? {}) };
  const init: RequestInit = { method: req.method, headers };
  if (req.body !== undefined) {
    init.body = encodeBody(fill(req.body, vars), fx.encoding);
    if (fx.contentTypeWithBody) headers['Content-Type'] = fx.contentTypeWithBody;
  }
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  let body: unknown;
  try { body = text ? parseExact(text) : undefined; } catch { body = text; }
  return { call: req.call, method: req.method, path, status: res.status, headers: res.headers, text, body: body as T };
}

/** Replays every request of a fixture in order, stopping at the first status the client would reject. */
export async function replay(baseUrl: string, fx: Fixture, vars: Record<string, string | number>): Promise<Answer[]> {
  const out: Answer[] = [];
  for (const req of fx.requests) {
    const a = await send(baseUrl, fx, req, vars);
    out.push(a);
    if (!accepts(req, a.status)) {
      throw new Error(`${fx.client} ${req.call}: ${req.method} ${a.path} answered ${a.status}, the client expects ${JSON.stringify(req.expect)}\n${a.text}`);
    }
  }
  return out;
}

export function accepts(req: TranscribedRequest, status: number): boolean {
  if (req.expect?.status !== undefined) return status === req.expect.status;
  const [lo, hi] = req.expect?.statusIn ?? [200, 399];
  return status >= lo && status <= hi;
}

// ---- ApiCallRc masks as the clients test them -------------------------------------------------

export const MASK_ERROR = 0xC000000000000000n;
export const MASK_WARN = 0x8000000000000000n;
export const MASK_INFO = 0x4000000000000000n;
export const MASK_BITS_CODE = 0x7FFFn;

const u64 = (rc: bigint | number): bigint => BigInt.asUintN(64, BigInt(rc));

/** python-linstor ApiCallResponse.is_error(code): error type, and `code` a bit-subset of rc. */
export function pyIsError(rc: bigint | number, code?: bigint): boolean {
  const r = u64(rc);
  if ((r & MASK_ERROR) !== MASK_ERROR) return false;
  return code === undefined || (u64(code) & r) === u64(code);
}

/** python-linstor ApiCallResponse.is_success(): none of the type bits set. */
export function pySuccess(rc: bigint | number): boolean {
  const r = u64(rc);
  return (r & MASK_ERROR) === 0n;
}

/** golinstor's ApiCallError.Is(code): (ret_code & (MASK_ERROR|MASK_BITS_CODE)) == code. */
export function goIs(rc: bigint | number, code: bigint): boolean {
  return (u64(rc) & (MASK_ERROR | MASK_BITS_CODE)) === u64(code);
}
