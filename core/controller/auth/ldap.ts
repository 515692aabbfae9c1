/**
 * Checks a user against LDAP as LINSTOR's `[ldap]` section describes it: bind as `dn` with
 * `{user}` replaced, then (when `search_filter` is set) the bound user must find at least
 * one entry under `search_base` with `{user}` replaced in the filter. Unlike LINSTOR the user
 * name is escaped (RFC 4514 in the DN, RFC 4515 in the filter), so a name cannot rewrite the
 * query, and an empty password is refused (LDAP would take it as an anonymous bind).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Client, ResultCodeError } from 'ldapts';
import type { LdapConfig } from '../config.js';

export type LdapVerdict =
  | { ok: true }
  | { ok: false; kind: 'denied'; reason: string }
  /** The directory could not be asked (down, unreachable, TLS): not the user's fault. */
  | { ok: false; kind: 'unavailable'; reason: string };

/** RFC 4514 escaping of an attribute value inside a DN. */
export function escapeDnValue(v: string): string {
  let out = v.replace(/[\\,+"<>;=\0]/g, (c) => (c === '\0' ? '\\00' : `\\${c}`));
  if (out.startsWith(' ') || out.startsWith('#')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** RFC 4515 escaping of a value inside a search filter. */
export function escapeFilterValue(v: string): string {
  return v.replace(/[*()\\\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

const TIMEOUT_MS = 10_000;

export class LdapVerifier {
  private readonly ca?: string;

  constructor(private readonly cfg: LdapConfig, configDirectory: string) {
    if (!/^ldaps?:\/\//i.test(cfg.uri)) throw new Error(`linstor.toml [ldap]: uri '${cfg.uri}' must start with ldap:// or ldaps://`);
    if (!cfg.dn.includes('{user}')) throw new Error('linstor.toml [ldap]: dn must contain {user}');
    if (cfg.trustedCa) this.ca = readFileSync(isAbsolute(cfg.trustedCa) ? cfg.trustedCa : join(configDirectory, cfg.trustedCa), 'utf8');
  }

  async verify(user: string, password: string): Promise<LdapVerdict> {
    if (!user || !password) return { ok: false, kind: 'denied', reason: 'empty user name or password' };
    // ldapts speaks TLS whenever tlsOptions are given, so only ldaps:// gets them.
    const secure = /^ldaps:/i.test(this.cfg.uri);
    const client = new Client({
      url: this.cfg.uri, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS,
      ...(secure ? { tlsOptions: { minVersion: 'TLSv1.2' as const, ...(this.ca ? { ca: this.ca } : {}) } } : {}),
    });
    try {
      await client.bind(this.cfg.dn.split('{user}').join(escapeDnValue(user)), password);
      if (this.cfg.searchFilter) {
        const filter = this.cfg.searchFilter.split('{user}').join(escapeFilterValue(user));
        const { searchEntries } = await client.search(this.cfg.searchBase, { scope: 'sub', filter, attributes: ['1.1'] });
        if (!searchEntries.length) return { ok: false, kind: 'denied', reason: 'the search filter matches no entry for this user' };
      }
      return { ok: true };
    } catch (e) {
      if (e instanceof ResultCodeError) return { ok: false, kind: 'denied', reason: `LDAP: ${e.message} (result code ${e.code})` };
      return { ok: false, kind: 'unavailable', reason: `LDAP server ${this.cfg.uri} not usable: ${(e as Error).message}` };
    } finally {
      await client.unbind().catch(() => {});
    }
  }
}
