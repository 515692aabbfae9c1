/**
 * Who is calling. `keystone`: the token is validated with Keystone (keystone.ts); its project
 * is the caller's, and a role from `admin_roles` makes an admin. `noauth` (Cinder's noauth
 * pipeline): the token is `user:project` (project defaults to user). `token`: only tokens from
 * the config file are accepted. Static tokens from the config are honoured in every mode.
 */
import type { CinderConfig } from '../config.js';
import { CinderFault } from './faults.js';
import type { KeystoneValidator } from './keystone.js';

export interface RequestContext {
  userId: string;
  projectId: string;
  isAdmin: boolean;
}

export async function authenticate(cfg: CinderConfig, token: string | undefined, keystone?: KeystoneValidator): Promise<RequestContext> {
  if (!token) throw new CinderFault(401, 'Authentication required: send X-Auth-Token.');
  const known = cfg.auth.tokens[token];
  if (known) return { userId: known.user, projectId: known.project, isAdmin: known.roles.includes('admin') };
  if (cfg.auth.strategy === 'keystone' && keystone) {
    const id = await keystone.validate(token);
    const admins = cfg.auth.keystone?.adminRoles ?? ['admin'];
    return { userId: id.userId, projectId: id.projectId, isAdmin: id.roles.some((r) => admins.includes(r)) };
  }
  if (cfg.auth.strategy !== 'noauth') throw new CinderFault(401, 'The request you have made requires authentication.');
  const i = token.indexOf(':');
  const user = i < 0 ? token : token.slice(0, i);
  const project = i < 0 ? token : token.slice(i + 1) || user;
  if (!user && !project) throw new CinderFault(401, 'Empty noauth token.');
  return { userId: user || project, projectId: project, isAdmin: cfg.auth.noauthAdmin };
}
