/**
 * The one place the client talks HTTP. It fails over between the controllers (failover.ts:
 * unreachable or standby controllers are skipped, keeps using the one that answered), parses
 * bodies with fromJson so int64 ret_codes stay exact, and turns error statuses into
 * LinstorApiError.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosInstance } from 'axios';
import { shellQuote } from '../exec/runner.js';
import { fromJson, toJson, toPyJson } from '../model/json.js';
import { CurlRequested, LinstorApiError } from './errors.js';
import { ControllerList, LEADER_HEADER, ROLE_HEADER, classifyError, confirmedReply, withFailover, type Attempt } from './failover.js';
import type { ClientAuth, ClientTls } from './tls.js';
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
  /** TLS for https controllers, for this client only (core/client/tls.ts). */
  tls?: ClientTls;
  /** HTTP basic credentials, as linstor-client sends --user/--password. */
  auth?: ClientAuth;
  /** Send the credentials over plain HTTP as well (linstor-client --allow-insecure-auth). */
  allowInsecureAuth?: boolean;
  /** How long to keep looking for the active controller while none answers (default 30 s). */
  failoverTimeoutMs?: number;
}

/** linstor-client refuses to send a password over plain HTTP unless told to. */
export const INSECURE_AUTH_MESSAGE = 'Password authentication with HTTP not allowed, until explicitly enabled.';

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
  private readonly auth?: ClientAuth;
  private readonly allowInsecureAuth: boolean;
  /** Plain HTTP controllers found to redirect to HTTPS (as python-linstor probes for the 302). */
  private readonly upgraded = new Map<string, string>();

  constructor(opts: TransportOptions) {
    if (!opts.controllers.length) throw new Error('No controller given');
    this.controllers = new ControllerList(opts.controllers, opts.failoverTimeoutMs);
    this.curl = opts.curl ?? false;
    this.exactIntegers = opts.exactIntegers ?? false;
    this.auth = opts.auth;
    this.allowInsecureAuth = opts.allowInsecureAuth ?? false;
    this.http = axios.create({
      timeout: opts.timeoutMs ?? 300_000,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      validateStatus: () => true,
      // Redirects are LINSTOR's HTTP→HTTPS hint: handled below, never followed blindly (that would
      // turn a POST into a GET and could carry credentials elsewhere).
      maxRedirects: 0,
      httpAgent: new HttpAgent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true, ...(opts.tls ?? {}) }),
      headers: { Accept: 'application/json', ...(opts.headers ?? {}) },
    });
  }

  /** The HTTPS base a plain HTTP controller redirects /v1 to, on the same host (else the base). */
  private async httpsOf(base: string): Promise<string> {
    if (!base.startsWith('http:')) return base;
    const known = this.upgraded.get(base);
    if (known) return known;
    const res = await this.http.get<string>(`${base}/v1/controller/version`, { headers: {} });
    const to = redirectTarget(base, res.status, res.headers.location);
    if (to) this.upgraded.set(base, to);
    return to ?? base;
  }

  private authHeader(base: string): Record<string, string> {
    if (!this.auth) return {};
    if (base.startsWith('http:') && !this.allowInsecureAuth) throw new InsecureAuthRefused();
    return { Authorization: `Basic ${Buffer.from(`${this.auth.user}:${this.auth.password}`, 'utf8').toString('base64')}` };
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
    let target = base;
    let res;
    try {
      // Credentials go over HTTPS only: find out first whether the controller redirects to it.
      if (this.auth) target = await this.httpsOf(base);
      const send = () => this.http.request<string>({
        method, url: `${target}${suffix}`, data: body,
        headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...this.authHeader(target) },
      });
      res = await send();
      const to = redirectTarget(target, res.status, res.headers.location);
      if (to) {
        this.upgraded.set(target, to);
        target = to;
        res = await send();
      }
    } catch (err) {
      if (err instanceof InsecureAuthRefused) return { kind: 'unreachable', cause: INSECURE_AUTH_MESSAGE, maybeSent: false };
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
      throw new LinstorApiError(res.status, rcs, method, `${target}${suffix}`, typeof data === 'string' ? data : undefined);
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

class InsecureAuthRefused extends Error {}

/** A LINSTOR redirect of a plain /v1 request: the HTTPS base on the same host, or undefined. */
function redirectTarget(base: string, status: number, location: unknown): string | undefined {
  if (status < 300 || status >= 400 || typeof location !== 'string' || !base.startsWith('http:')) return undefined;
  let to: URL;
  try { to = new URL(location); } catch { return undefined; }
  if (to.protocol !== 'https:') return undefined;
  const from = new URL(base);
  // python-linstor takes only the port from the redirect; the host stays the one we were given.
  return `https://${from.hostname.includes(':') && !from.hostname.startsWith('[') ? `[${from.hostname}]` : from.hostname}:${to.port || '443'}`;
}

/** Encodes one path segment (names are validated server-side; this keeps odd input from changing the route). */
export const seg = (s: string | number): string => encodeURIComponent(String(s));
