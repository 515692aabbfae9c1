import type { IncomingMessage, ServerResponse } from 'node:http';
import { rcEntry } from '../../model/apicallrc.js';
import { toJson } from '../../model/json.js';
import type { Leadership } from './leadership.js';

/** Headers a standby sets on every answer; core/client moves on to another controller on them. */
export const ROLE_HEADER = 'x-linstor-controller-role';
export const LEADER_HEADER = 'x-linstor-active-controller';

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = toJson(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * `/health` on every controller: 200 and role "active" on the active one; 503 with the role
 * and the active controller's address on a standby (so load balancers and clients pick the
 * active one).
 */
export async function answerHealth(l: Leadership, storeKind: string, res: ServerResponse): Promise<void> {
  const active = l.isActive();
  const leader = await l.leader();
  const role = active ? 'active' : l.role === 'fenced' ? 'fenced' : 'standby';
  send(res, active ? 200 : 503, { role, controller: l.me.url, active_controller: leader?.url ?? null, store: storeKind },
    { [ROLE_HEADER]: role, ...(leader?.url ? { [LEADER_HEADER]: leader.url } : {}) });
}

/** Every API call to a standby: 503 "not the active controller", naming the active one. */
export async function answerStandby(l: Leadership, req: IncomingMessage, res: ServerResponse): Promise<void> {
  req.resume();
  const leader = await l.leader();
  const where = leader ? `the active controller is ${leader.url} (${leader.host}, pid ${leader.pid})` : 'no controller is active right now (an election is under way)';
  const rc = rcEntry('FAIL_NOT_CONNECTED', `This controller (${l.me.url}) is ${l.role === 'fenced' ? 'no longer' : 'not'} the active controller; ${where}.`, {
    obj: 'CTRL_CONF',
    cause: 'Several controllers share this database; only the one holding the lease serves the API.',
    correction: leader ? `Send the request to ${leader.url}, or list every controller: linstor --controllers a,b,c (LS_CONTROLLERS).` : 'Retry in a few seconds.',
  });
  send(res, 503, [rc], { [ROLE_HEADER]: l.role === 'fenced' ? 'fenced' : 'standby', ...(leader?.url ? { [LEADER_HEADER]: leader.url } : {}), 'Retry-After': '1' });
}
