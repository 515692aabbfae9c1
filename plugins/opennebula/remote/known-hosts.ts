/**
 * OpenSSH known_hosts matching, so the SSH runner refuses hosts whose key is unknown or
 * changed. Supports plain names, comma lists, `[host]:port`, hashed `|1|salt|hash` entries
 * and `@revoked` markers; `@cert-authority` lines are skipped (not supported).
 */
import { createHmac } from 'node:crypto';
import { globMatcher } from '../../../core/client/index.js';

export interface KnownHostKey { type: string; key: Buffer }

function hostToken(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function patternMatches(pattern: string, token: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(token).digest('base64') === hash;
  }
  return globMatcher(pattern).test(token);
}

function hostMatches(field: string, token: string): boolean {
  let hit = false;
  for (const p of field.split(',')) {
    if (p.startsWith('!')) { if (patternMatches(p.slice(1), token)) return false; }
    else if (patternMatches(p, token)) hit = true;
  }
  return hit;
}

/** The keys listed for host:port, and whether the presented key was revoked. */
export function lookupKnownHosts(text: string, host: string, port: number): { keys: KnownHostKey[]; revoked: Buffer[] } {
  const token = hostToken(host, port);
  const keys: KnownHostKey[] = [];
  const revoked: Buffer[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const parts = line.split(/\s+/);
    let marker = '';
    if (parts[0]!.startsWith('@')) marker = parts.shift()!;
    if (parts.length < 3 || marker === '@cert-authority') continue;
    if (!hostMatches(parts[0]!, token)) continue;
    const key = Buffer.from(parts[2]!, 'base64');
    if (marker === '@revoked') revoked.push(key);
    else keys.push({ type: parts[1]!, key });
  }
  return { keys, revoked };
}

/** True when `presented` (the raw public key blob the server sent) is a known, unrevoked key of host:port. */
export function verifyHostKey(text: string, host: string, port: number, presented: Buffer): boolean {
  const { keys, revoked } = lookupKnownHosts(text, host, port);
  if (revoked.some((k) => k.equals(presented))) return false;
  return keys.some((k) => k.key.equals(presented));
}
