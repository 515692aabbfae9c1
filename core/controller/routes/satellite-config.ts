/**
 * `GET/PUT /v1/nodes/{node}/config`: a satellite's log level, read and changed live over the
 * link (`linstor node set-log-level NODE LEVEL`; `controller set-log-level --global` reaches
 * every online satellite through setSatelliteLogLevel).
 */
import type { Router } from 'express';
import type * as api from '../../api/index.js';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { FEATURE_LOG_LEVEL, type SatelliteLogLevel } from '../../model/satellite-protocol.js';
import type { Node } from '../../model/types.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { getNode } from '../lookup.js';

export const LOG_LEVELS = ['ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const;
const REQUEST_MS = 10_000;

/** LINSTOR's level name of a pino level. */
export function linstorLevel(pinoLevel: string): string {
  const up = pinoLevel.toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(up) ? up : up === 'FATAL' ? 'ERROR' : 'INFO';
}

/** The level a `log` object of a config body asks for (either logger name), checked; undefined when none. */
export function askedLevel(log: { level?: unknown; level_linstor?: unknown; level_global?: unknown; level_linstor_global?: unknown } | undefined, obj: 'CTRL_CONF' | 'NODE'): string | undefined {
  const asked = log?.level_linstor ?? log?.level ?? log?.level_linstor_global ?? log?.level_global;
  if (asked === undefined) return undefined;
  const level = String(asked).toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ApiError('FAIL_INVLD_CONF', `Log level '${String(asked)}' is invalid.`, { obj, op: 'MOD', correction: `Use one of ${LOG_LEVELS.join(', ')}.` });
  }
  return level;
}

function supportsLogLevel(ctx: ControllerContext, node: Node): boolean {
  return (ctx.runtime.nodes.get(nameKey(node.name))?.hello?.features ?? []).includes(FEATURE_LOG_LEVEL);
}

/** Asks the node's satellite for its level (setting it first when `level` is given). */
async function satelliteLevel(ctx: ControllerContext, node: Node, level?: string): Promise<string> {
  if (ctx.runtime.nodes.get(nameKey(node.name))?.status === 'ONLINE' && !supportsLogLevel(ctx, node)) {
    throw new ApiError('FAIL_INVLD_CONF', `The satellite of node '${node.name}' cannot change its log level at run time.`, {
      obj: 'NODE', correction: 'Update the satellite, or set [logging] level in its linstor_satellite.toml and reload it (SIGHUP).',
    });
  }
  const req = { type: 'log-level' as const, ...(level ? { level: level.toLowerCase() as SatelliteLogLevel } : {}) };
  const answer = await ctx.links.request<{ level: string }>(nameKey(node.name), req, REQUEST_MS);
  return linstorLevel(answer.level);
}

/** Sets one satellite's level; a reply entry either way (an offline node is a warning). */
export async function setSatelliteLogLevel(ctx: ControllerContext, node: Node, level: string): Promise<ApiCallRc> {
  try {
    await satelliteLevel(ctx, node, level);
    return rcEntry('MODIFIED', `Log level of satellite '${node.name}' set to ${level}.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } });
  } catch (e) {
    const msg = e instanceof ApiError ? e.message : (e as Error).message;
    return rcEntry('WARN_NOT_CONNECTED', `Log level of satellite '${node.name}' not changed: ${msg}`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } });
  }
}

export function registerSatelliteConfigRoutes(r: Router, ctx: ControllerContext): void {
  const { reporter, state } = ctx;

  r.get('/v1/nodes/:node/config', route(reporter, { obj: 'NODE' }, 200, async (req) => {
    const node = getNode(state, String(req.params.node));
    const level = await satelliteLevel(ctx, node) as api.LogLevel;
    const view: api.SatelliteConfig = { log: { level, level_linstor: level, print_stack_trace: false } };
    return { json: view };
  }));

  r.put('/v1/nodes/:node/config', route(reporter, { obj: 'NODE', op: 'MOD', body: 'PUT /v1/nodes/{node}/config' }, 200, async (req, _res, b) => {
    const node = getNode(state, String(req.params.node));
    const level = askedLevel(b.log, 'NODE');
    if (level === undefined) return { rc: [rcEntry('INFO_NOOP', `No configuration of satellite '${node.name}' was changed.`, { obj: 'NODE', op: 'MOD', details: 'Only the log level can be changed at run time.' })] };
    const now = await satelliteLevel(ctx, node, level);
    return { rc: [rcEntry('MODIFIED', `Log level of satellite '${node.name}' set to ${now}.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } })] };
  }));
}
