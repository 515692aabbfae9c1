/**
 * Keystone token validation, as keystonemiddleware's auth_token does it: the service signs in
 * with its own credentials (or uses a configured service token), then asks Keystone about each
 * caller's token with `GET /v3/auth/tokens` (`X-Auth-Token`: the service's, `X-Subject-Token`:
 * the caller's). A valid token is cached for `token_cache_time` seconds (never past its expiry),
 * keyed by its hash so the cache holds no usable tokens.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KeystoneConfig } from '../config.js';
import { CinderFault } from './faults.js';

export interface KeystoneIdentity { userId: string; projectId: string; roles: string[] }

interface Answer { status: number; headers: Record<string, string | string[] | undefined>; body: any }

const UNAUTHORIZED = 'The request you have made requires authentication.';
const MAX_CACHED = 10_000;
/** A service token is renewed this long before Keystone says it expires. */
const RENEW_EARLY_MS = 60_000;

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

export class KeystoneValidator {
  private readonly base: URL;
  private readonly ca?: Buffer;
  private service?: { token: string; until: number };
  private readonly cache = new Map<string, { id: KeystoneIdentity; until: number }>();
  private readonly inflight = new Map<string, Promise<KeystoneIdentity>>();

  constructor(private readonly cfg: KeystoneConfig, private readonly now: () => number = Date.now) {
    // `auth_url` may name the service root or its /v3.
    const u = cfg.authUrl.replace(/\/+$/, '');
    this.base = new URL(/\/v3$/.test(u) ? `${u}/` : `${u}/v3/`);
    if (cfg.cafile) this.ca = readFileSync(cfg.cafile);
  }

  /** The caller behind `token`, or a 401 fault; 503 when Keystone cannot be reached. */
  async validate(token: string): Promise<KeystoneIdentity> {
    const key = hashOf(token);
    const hit = this.cache.get(key);
    if (hit && hit.until > this.now()) return hit.id;
    if (hit) this.cache.delete(key);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.lookup(token, key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async lookup(token: string, key: string): Promise<KeystoneIdentity> {
    let r = await this.call('GET', 'auth/tokens?nocatalog', { 'x-auth-token': await this.serviceToken(), 'x-subject-token': token });
    if (r.status === 401 && !this.cfg.serviceToken) {
      // Our own token expired or was revoked: sign in again once.
      this.service = undefined;
      r = await this.call('GET', 'auth/tokens?nocatalog', { 'x-auth-token': await this.serviceToken(), 'x-subject-token': token });
    }
    if (r.status === 404) throw new CinderFault(401, UNAUTHORIZED);
    if (r.status === 401 || r.status === 403) throw new CinderFault(503, `Keystone refused this service's credentials (${r.status}); check [auth.keystone].`);
    if (r.status !== 200) throw new CinderFault(503, `The Keystone service is temporarily unavailable (status ${r.status}).`);
    const t = r.body?.token ?? {};
    // A token scoped to no project (unscoped, domain or system) cannot own volumes.
    if (typeof t.project?.id !== 'string' || typeof t.user?.id !== 'string') throw new CinderFault(401, `${UNAUTHORIZED} (the token is not scoped to a project)`);
    const id: KeystoneIdentity = {
      userId: t.user.id, projectId: t.project.id,
      roles: Array.isArray(t.roles) ? t.roles.map((x: { name?: unknown }) => String(x?.name ?? '')).filter(Boolean) : [],
    };
    const expires = Date.parse(String(t.expires_at ?? ''));
    const until = Math.min(this.now() + this.cfg.tokenCacheTime * 1000, Number.isFinite(expires) ? expires : 0);
    if (until > this.now()) {
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { id, until });
    }
    return id;
  }

  /** The configured service token, else one got with the service user's password (cached). */
  private async serviceToken(): Promise<string> {
    if (this.cfg.serviceToken) return this.cfg.serviceToken;
    if (this.service && this.service.until > this.now()) return this.service.token;
    const c = this.cfg;
    const scope = c.projectName || c.projectId
      ? { project: c.projectId ? { id: c.projectId } : { name: c.projectName, domain: { name: c.projectDomainName } } }
      : undefined;
    const r = await this.call('POST', 'auth/tokens?nocatalog', { 'content-type': 'application/json' }, {
      auth: {
        identity: { methods: ['password'], password: { user: { name: c.username, domain: { name: c.userDomainName }, password: c.password } } },
        ...(scope ? { scope } : {}),
      },
    });
    const token = r.headers['x-subject-token'];
    if (r.status !== 201 || typeof token !== 'string') {
      throw new CinderFault(503, `This service cannot sign in to Keystone as '${c.username}' (status ${r.status}); check [auth.keystone].`);
    }
    const expires = Date.parse(String(r.body?.token?.expires_at ?? ''));
    this.service = { token, until: Number.isFinite(expires) ? expires - RENEW_EARLY_MS : this.now() + 300_000 };
    return token;
  }

  private call(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
    const url = new URL(path, this.base);
    const data = body === undefined ? undefined : JSON.stringify(body);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<Answer>((resolve, reject) => {
      const req = send(url, {
        method, timeout: this.cfg.timeoutMs,
        headers: { accept: 'application/json', ...headers, ...(data ? { 'content-length': Buffer.byteLength(data) } : {}) },
        ...(this.ca ? { ca: this.ca } : {}),
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try { parsed = text ? JSON.parse(text) : undefined; } catch { parsed = undefined; }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (e) => reject(new CinderFault(503, `The Keystone service is temporarily unavailable: ${e.message}`)));
      req.end(data);
    });
  }
}
