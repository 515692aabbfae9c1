/**
 * LDAP users in front of every route, as LINSTOR's `[ldap]` works: HTTP basic credentials
 * (what linstor-client sends for --user/--password) are checked against the directory; with
 * `allow_public_access = false` a request without them gets nothing but the version and
 * health. Failed logins are rate-limited and logged with the user name and client address —
 * never the password or the Authorization header.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { rcEntry } from '../../model/apicallrc.js';
import type { LdapConfig } from '../config.js';
import { sendJson } from '../http/reply.js';
import { LdapVerifier } from './ldap.js';
import { LoginLimiter } from './login-limiter.js';

const PUBLIC = new Set(['/health', '/v1/controller/version']);
const REALM = 'Basic realm="linstor-controller", charset="UTF-8"';
/** A login that succeeded is trusted this long before the directory is asked again. */
const CACHE_MS = 30_000;

/** A user name fit for a log line: printable, short. */
export const loggableUser = (u: string): string => u.replace(/[^\x20-\x7e]/g, '?').slice(0, 64);

function parseBasic(header: string): { user: string; password: string } | 'not-basic' | 'malformed' {
  const [scheme, token] = header.trim().split(/\s+/, 2);
  if (scheme?.toLowerCase() !== 'basic') return 'not-basic';
  if (!token) return 'malformed';
  const text = Buffer.from(token, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return 'malformed';
  return { user: text.slice(0, i), password: text.slice(i + 1) };
}

function refuse(res: Response, status: number, rc: 'FAIL_SIGN_IN' | 'FAIL_SIGN_IN_MISSING_CREDENTIALS' | 'FAIL_INVLD_ENCRYPT_TYPE', message: string, extra: { cause?: string; correction?: string } = {}): void {
  // A script's request (the web GUI sends X-Requested-With) gets no challenge: the browser
  // would pop up its own password box instead of the page's login form.
  if (status === 401 && res.req.headers['x-requested-with'] === undefined) res.setHeader('WWW-Authenticate', REALM);
  sendJson(res, status, [rcEntry(rc, message, extra)]);
}

export function ldapAuthentication(cfg: LdapConfig, configDirectory: string, log: Logger): RequestHandler {
  const verifier = new LdapVerifier(cfg, configDirectory);
  const limiter = new LoginLimiter();
  const salt = randomBytes(16);
  const cache = new Map<string, number>();
  const cacheKey = (user: string, password: string) => createHash('sha256').update(salt).update(user).update('\0').update(password).digest('hex');
  const alog = log.child({ module: 'auth' });

  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path.replace(/\/+$/, '').toLowerCase() || '/';
    const header = req.headers.authorization;
    if (header === undefined) {
      if (cfg.allowPublicAccess || PUBLIC.has(path)) { next(); return; }
      refuse(res, 401, 'FAIL_SIGN_IN_MISSING_CREDENTIALS', "Login required but no 'Authorization' header given.", {
        correction: 'Give a user (linstor --user NAME, over HTTPS; plain HTTP needs --allow-insecure-auth).',
      });
      return;
    }
    const creds = parseBasic(header);
    if (creds === 'not-basic') { refuse(res, 401, 'FAIL_INVLD_ENCRYPT_TYPE', "Invalid Authorization method, only 'Basic' supported."); return; }
    if (creds === 'malformed') { refuse(res, 401, 'FAIL_INVLD_ENCRYPT_TYPE', "Basic authentication doesn't contain credential token."); return; }
    const address = req.socket.remoteAddress ?? 'unknown';
    const user = loggableUser(creds.user);
    const key = cacheKey(creds.user, creds.password);
    const hit = cache.get(key);
    if (hit !== undefined && hit > Date.now()) { res.locals.user = creds.user; next(); return; }
    const wait = limiter.retryAfterMs(creds.user, address);
    if (wait > 0) {
      alog.warn({ user, peer: address }, 'login refused: too many failed logins');
      res.setHeader('Retry-After', String(Math.ceil(wait / 1000)));
      sendJson(res, 429, [rcEntry('FAIL_SIGN_IN', `Sign-in failed: too many failed logins; retry in ${Math.ceil(wait / 1000)} s.`)]);
      return;
    }
    void verifier.verify(creds.user, creds.password).then((v) => {
      if (v.ok) {
        if (cache.size > 1000) cache.clear();
        cache.set(key, Date.now() + CACHE_MS);
        res.locals.user = creds.user;
        alog.debug({ user, peer: address }, 'LDAP user authenticated');
        next();
        return;
      }
      if (v.kind === 'unavailable') {
        alog.error({ user, peer: address, reason: v.reason }, 'login not possible: LDAP unavailable');
        sendJson(res, 503, [rcEntry('FAIL_SIGN_IN', 'Sign-in failed: the LDAP server cannot be reached.', { cause: v.reason, correction: 'Check [ldap] uri in linstor.toml and the LDAP server.' })]);
        return;
      }
      limiter.fail(creds.user, address);
      alog.warn({ user, peer: address, reason: v.reason }, 'failed login');
      refuse(res, 401, 'FAIL_SIGN_IN', 'Sign-in failed: Invalid sign in credentials', {
        cause: 'The credentials for the sign-in are not valid or the user is not allowed (search_filter).',
        correction: 'The name of a valid identity and a matching password must be provided to sign in to the system.',
      });
    }, (e: unknown) => next(e));
  };
}
