/**
 * The GUI's only way to the controller: the public REST API v1 on the origin that served the
 * page. Credentials (HTTP basic, as linstor-client sends them) live in this tab's
 * sessionStorage only; a 401 asks the page for a login.
 */
export interface RcEntry { ret_code: number; message: string; cause?: string; correction?: string; details?: string; obj_refs?: Record<string, string> }

/** LINSTOR's masks: errors are 0xC000… (negative, above -2^62), warnings 0x8000… (below). */
export const isErrorRc = (e: RcEntry): boolean => e.ret_code < 0 && e.ret_code >= -(2 ** 62);
export const isWarnRc = (e: RcEntry): boolean => e.ret_code < -(2 ** 62);

export class ApiError extends Error {
  constructor(readonly status: number, readonly entries: RcEntry[]) {
    super(entries[0]?.message ?? `HTTP ${status}`);
  }
}

/** Thrown when the controller wants a user: the page shows its login form. */
export class LoginRequired extends ApiError {}

const KEY = 'linstor-ui-auth';

export const credentials = {
  user(): string | undefined {
    const v = sessionStorage.getItem(KEY);
    if (!v) return undefined;
    const text = new TextDecoder().decode(Uint8Array.from(atob(v), (ch) => ch.charCodeAt(0)));
    return text.slice(0, text.indexOf(':'));
  },
  set(user: string, password: string): void {
    // btoa takes Latin-1 only: encode UTF-8 first (the controller decodes UTF-8).
    const bytes = new TextEncoder().encode(`${user}:${password}`);
    sessionStorage.setItem(KEY, btoa(String.fromCharCode(...bytes)));
  },
  clear(): void { sessionStorage.removeItem(KEY); },
  header(): string | undefined { const v = sessionStorage.getItem(KEY); return v ? `Basic ${v}` : undefined; },
};

function asEntries(body: unknown, status: number): RcEntry[] {
  if (Array.isArray(body) && body.every((e) => e && typeof e === 'object' && 'ret_code' in e)) return body as RcEntry[];
  return [{ ret_code: -1, message: `The controller answered HTTP ${status}.` }];
}

/**
 * GET answers kept with their ETag. The next GET of the same path sends If-None-Match; on 304
 * the very same object comes back, so a view sees "nothing new" by identity (`unchanged`)
 * and skips drawing. A few paths per page, so a small LRU is enough.
 */
const validated = new Map<string, { etag: string; body: unknown }>();
const MAX_VALIDATED = 200;

function remember(path: string, etag: string | null, body: unknown): void {
  validated.delete(path);
  if (!etag) return;
  validated.set(path, { etag, body });
  if (validated.size > MAX_VALIDATED) validated.delete(validated.keys().next().value!);
}

/**
 * One REST call. Resolves with the parsed body of a 2xx answer (for a GET answered 304, the
 * body it validated); rejects with ApiError (the controller's ApiCallRc entries) otherwise,
 * or when a 2xx ApiCallRc list holds an error.
 */
export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'X-Requested-With': 'linstor-ui', Accept: 'application/json' };
  const auth = credentials.header();
  if (auth) headers.Authorization = auth;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const known = method === 'GET' ? validated.get(path) : undefined;
  if (known) headers['If-None-Match'] = known.etag;
  let res: Response;
  try {
    // no-store: the browser's cache stays out; this module does the revalidation itself.
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, [{ ret_code: -1, message: 'The controller cannot be reached.', cause: String(e), correction: 'Check that the controller runs and this address is right, then reload.' }]);
  }
  if (res.status === 304 && known) { remember(path, known.etag, known.body); return known.body as T; }
  const text = await res.text();
  let parsed: unknown;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
  if (res.status === 401) throw new LoginRequired(401, asEntries(parsed, 401));
  if (!res.ok) { validated.delete(path); throw new ApiError(res.status, asEntries(parsed, res.status)); }
  if (Array.isArray(parsed) && parsed.length && (parsed as RcEntry[]).every((e) => e && typeof e === 'object' && 'ret_code' in e) && (parsed as RcEntry[]).some(isErrorRc)) {
    throw new ApiError(res.status, parsed as RcEntry[]);
  }
  if (method === 'GET') remember(path, res.headers.get('ETag'), parsed);
  return parsed as T;
}

/**
 * True when a view's inputs are the very values it last drew (what a 304 gives back), so
 * the poll draws nothing. Views must not modify what `api` returns: it is kept.
 */
export function unchanged(last: readonly unknown[] | undefined, next: readonly unknown[]): boolean {
  return !!last && last.length === next.length && last.every((v, i) => Object.is(v, next[i]));
}

/** A path segment, escaped. */
export const seg = (s: string): string => encodeURIComponent(s);

/** One page of a list call (`limit`/`offset` as the REST API pages). */
export function listPage<T>(path: string, limit: number, offset: number, extra: Record<string, string | string[]> = {}): Promise<T[]> {
  const q = new URLSearchParams();
  q.set('limit', String(limit));
  q.set('offset', String(offset));
  for (const [k, v] of Object.entries(extra)) for (const x of Array.isArray(v) ? v : [v]) if (x) q.append(k, x);
  return api<T[]>('GET', `${path}?${q}`);
}

const joined = new Map<string, { pages: unknown[]; all: unknown[] }>();

/**
 * Every item of a list, fetched page by page (the dashboard's counts). When every page was
 * answered 304, the same array as last time (so `unchanged` holds).
 */
export async function listAll<T>(path: string, pageSize = 2000, max = 100_000): Promise<T[]> {
  const pages: T[][] = [];
  for (let offset = 0; offset < max; offset += pageSize) {
    const page = await listPage<T>(path, pageSize, offset);
    pages.push(page);
    if (page.length < pageSize) break;
  }
  const key = `${path} ${pageSize} ${max}`;
  const last = joined.get(key);
  if (last && unchanged(last.pages, pages)) return last.all as T[];
  const all = pages.flat();
  joined.set(key, { pages, all });
  return all;
}
