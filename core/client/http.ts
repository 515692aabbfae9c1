/**
 * The one place the client talks HTTP. It tries the controllers in order on connection
 * errors (and keeps using the one that answered), parses bodies with fromJson so int64
 * ret_codes stay exact, and turns error statuses into LinstorApiError.
 */
import axios, { type AxiosInstance } from 'axios';
import { shellQuote } from '../exec/runner.js';
import { fromJson, toJson } from '../model/json.js';
import { CurlRequested, LinstorApiError, LinstorConnectionError } from './errors.js';
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
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
}

export interface Reply<T> { status: number; data: T; controller: string }

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EADDRNOTAVAIL']);

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


export function curlCommand(method: string, url: string, body?: string): string {
  const parts = ['curl', '-X', method];
  const q = (s: string) => shellQuote(s, { always: true });
  if (body !== undefined) parts.push('-H', q('Content-Type: application/json'), '-d', q(body));
  parts.push(q(url));
  return parts.join(' ');
}

export class Transport {
  private controllers: string[];
  private readonly http: AxiosInstance;
  private readonly curl: boolean;
  private readonly exactIntegers: boolean;

  constructor(opts: TransportOptions) {
    if (!opts.controllers.length) throw new Error('No controller given');
    this.controllers = [...opts.controllers];
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
  get controller(): string { return this.controllers[0]!; }

  async request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Reply<T>> {
    const body = opts.body === undefined ? undefined : toJson(opts.body);
    const suffix = `${path}${queryString(opts.query)}`;
    if (this.curl) throw new CurlRequested(curlCommand(method, `${this.controller}${suffix}`, body));
    const causes: string[] = [];
    const tried = [...this.controllers];
    for (const base of tried) {
      const url = `${base}${suffix}`;
      let res;
      try {
        res = await this.http.request<string>({
          method, url, data: body,
          headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        });
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        if (CONNECTION_CODES.has(code) || !(err as { response?: unknown }).response) {
          causes.push((err as Error).message || code);
          continue;
        }
        throw err;
      }
      // Remember the controller that answered so later calls go there first.
      this.controllers = [base, ...this.controllers.filter((c) => c !== base)];
      const text = typeof res.data === 'string' ? res.data : '';
      let data: unknown = undefined;
      if (text.trim()) {
        try { data = fromJson(text, { exactIntegers: this.exactIntegers }); } catch { data = text; }
      }
      if (res.status >= 400) {
        const rcs = Array.isArray(data) ? (data as ApiCallRc[]).filter((x) => x && typeof x === 'object' && 'ret_code' in x) : [];
        throw new LinstorApiError(res.status, rcs, method, url, typeof data === 'string' ? data : undefined);
      }
      return { status: res.status, data: data as T, controller: base };
    }
    throw new LinstorConnectionError(tried, causes);
  }

  async get<T>(path: string, query?: Query): Promise<T> { return (await this.request<T>('GET', path, { query })).data; }
  async post<T = ApiCallRc[]>(path: string, body?: unknown, query?: Query): Promise<T> { return (await this.request<T>('POST', path, { body, query })).data; }
  async put<T = ApiCallRc[]>(path: string, body?: unknown, query?: Query): Promise<T> { return (await this.request<T>('PUT', path, { body, query })).data; }
  async patch<T = ApiCallRc[]>(path: string, body?: unknown): Promise<T> { return (await this.request<T>('PATCH', path, { body })).data; }
  async delete<T = ApiCallRc[]>(path: string, query?: Query): Promise<T> { return (await this.request<T>('DELETE', path, { query })).data; }
}

/** Encodes one path segment (names are validated server-side; this keeps odd input from changing the route). */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
