/**
 * The one place the client talks HTTP. It fails over between the controllers (failover.ts:
 * unreachable or standby controllers are skipped, keeps using the one that answered), parses
 * bodies with fromJson so int64 ret_codes stay exact, and turns error statuses into
 * LinstorApiError.
 */
import axios, { type AxiosInstance } from 'axios';
import { fromJson, toJson, toPyJson } from '../model/json.js';
import { CurlRequested, LinstorApiError } from './errors.js';
import { ControllerList, LEADER_HEADER, ROLE_HEADER, classifyError, confirmedReply, withFailover, type Attempt } from './failover.js';
import type { ApiCallRc } from './types.js';

export type Query = Record<string, string | number | boolean | (string | number)[] | undefined>;

export interface TransportOptions {
  /** Base URLs as produced by controllerUrl(), tried in order. */
  controllers: string[];
  timeoutMs?: number;
  /** Do not send: throw CurlRequested with the equivalent curl command. */
  curl?: boolean;
  headers?: Record<string, string>;
  /** Keep integers beyond 2^53 exact (as bigint), for printing responses unchanged. */
  exactIntegers?: boolean;
  /** How long to keep looking for the active controller while none answers (default 30 s). */
  failoverTimeoutMs?: number;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /**
   * For POST/PATCH/DELETE: re-reads the state and says whether this request's change is
   * there. Used when the controller went away after the request was sent (see failover.ts).
   */
  applied?: (t: Transport) => Promise<boolean>;
}

export interface Reply<T> { status: number; data: T; controller: string }

export function queryString(q: Query | undefined): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, String(x));
    else p.append(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The request as python-linstor prints it in --curl mode: curl -X M -H "Content-Type: application/json" -d '{...}' URL */
export function curlCommand(method: string, url: string, body?: unknown): string {
  const parts = ['curl', '-X', method];
  if (body !== undefined) parts.push('-H "Content-Type: application/json"', `-d ${shellQuote(toPyJson(body))}`);
  parts.push(/^[\w:/.?=&%\-\[\]@+,]+$/.test(url) ? url : shellQuote(url));
  return parts.join(' ');
}

export class Transport {
  private readonly controllers: ControllerList;
  private readonly http: AxiosInstance;
  private readonly curl: boolean;
  private readonly exactIntegers: boolean;

  constructor(opts: TransportOptions) {
    if (!opts.controllers.length) throw new Error('No controller given');
    this.controllers = new ControllerList(opts.controllers, opts.failoverTimeoutMs);
    this.curl = opts.curl ?? false;
    this.exactIntegers = opts.exactIntegers ?? false;
    this.http = axios.create({
      timeout: opts.timeoutMs ?? 300_000,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      validateStatus: () => true,
      maxRedirects: 5,
      headers: { Accept: 'application/json', ...(opts.headers ?? {}) },
    });
  }

  /** The controller currently used (the first one that answered). */
  get controller(): string { return this.controllers.current; }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Reply<T>> {
    const body = opts.body === undefined ? undefined : toJson(opts.body);
    const suffix = `${path}${queryString(opts.query)}`;
    if (this.curl) throw new CurlRequested(curlCommand(method, `${this.controller}${suffix}`, opts.body));
    return withFailover<Reply<T>>(this.controllers, {
      method, path,
      attempt: (base) => this.attempt<T>(method, base, suffix, body),
      applied: opts.applied && (() => opts.applied!(this)),
      confirmed: (controller) => ({ status: 200, data: confirmedReply(method, path, controller) as T, controller }),
    });
  }

  /** One try against one controller. */
  private async attempt<T>(method: string, base: string, suffix: string, body: string | undefined): Promise<Attempt<Reply<T>>> {
    const url = `${base}${suffix}`;
    let res;
    try {
      res = await this.http.request<string>({
        method, url, data: body,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      });
    } catch (err) {
      const c = classifyError(err);
      if (c) return { kind: 'unreachable', ...c };
      throw err;
    }
    const role = String(res.headers[ROLE_HEADER] ?? '');
    if (res.status === 503 && (role === 'standby' || role === 'fenced')) {
      return { kind: 'standby', role, leader: res.headers[LEADER_HEADER] as string | undefined };
    }
    const text = typeof res.data === 'string' ? res.data : '';
    let data: unknown = undefined;
    if (text.trim()) {
      try { data = fromJson(text, { exactIntegers: this.exactIntegers }); } catch { data = text; }
    }
    if (res.status >= 400) {
      const rcs = Array.isArray(data) ? (data as ApiCallRc[]).filter((x) => x && typeof x === 'object' && 'ret_code' in x) : [];
      throw new LinstorApiError(res.status, rcs, method, url, typeof data === 'string' ? data : undefined);
    }
    return { kind: 'answer', reply: { status: res.status, data: data as T, controller: base } };
  }

  /** A request whose answer is a file (application/octet-stream), e.g. the SOS report download. */
  async requestRaw(method: string, path: string, query?: Query): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const suffix = `${path}${queryString(query)}`;
    if (this.curl) throw new CurlRequested(curlCommand(method, `${this.controller}${suffix}`));
    const res = await this.http.request({ method, url: `${this.controller}${suffix}`, responseType: 'arraybuffer', transformResponse: (d: unknown) => d });
    const body = Buffer.from(res.data as ArrayBuffer);
    if (res.status >= 400) {
      let rcs: ApiCallRc[] = [];
      try { rcs = fromJson<ApiCallRc[]>(body.toString()); } catch { /* not JSON */ }
      throw new LinstorApiError(res.status, Array.isArray(rcs) ? rcs : [], method, `${this.controller}${suffix}`, body.toString().slice(0, 200));
    }
    return { status: res.status, headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.toLowerCase(), String(v)])), body };
  }

  async get<T>(path: string, query?: Query): Promise<T> { return (await this.request<T>('GET', path, { query })).data; }
  async post<T = ApiCallRc[]>(path: string, body?: unknown, query?: Query, applied?: RequestOptions['applied']): Promise<T> { return (await this.request<T>('POST', path, { body, query, applied })).data; }
  async put<T = ApiCallRc[]>(path: string, body?: unknown, query?: Query): Promise<T> { return (await this.request<T>('PUT', path, { body, query })).data; }
  async patch<T = ApiCallRc[]>(path: string, body?: unknown): Promise<T> { return (await this.request<T>('PATCH', path, { body })).data; }
  async delete<T = ApiCallRc[]>(path: string, query?: Query, applied?: RequestOptions['applied']): Promise<T> { return (await this.request<T>('DELETE', path, { query, applied })).data; }

  /** For `applied` checks: does GET `path` find the object (404: no)? */
  async exists(path: string): Promise<boolean> {
    try {
      await this.get(path);
      return true;
    } catch (err) {
      if (err instanceof LinstorApiError && err.status === 404) return false;
      throw err;
    }
  }
}

/** Encodes one path segment (names are validated server-side; this keeps odd input from changing the route). */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
