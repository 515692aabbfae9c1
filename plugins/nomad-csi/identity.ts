/** Identity service: who we are, what we serve, and whether we are ready. */
import type { PluginContext } from './context.js';
import { precondition } from './errors.js';

export function getPluginInfo(ctx: PluginContext): unknown {
  return { name: ctx.pluginName, vendor_version: ctx.version, manifest: { url: 'https://linbit.com/linstor' } };
}

export function getPluginCapabilities(ctx: PluginContext): unknown {
  const caps: unknown[] = [];
  if (ctx.mode !== 'node') caps.push({ service: { type: 'CONTROLLER_SERVICE' } });
  caps.push({ service: { type: 'VOLUME_ACCESSIBILITY_CONSTRAINTS' } }, { volume_expansion: { type: 'ONLINE' } });
  return { capabilities: caps };
}

/** A controller plugin is ready when the LINSTOR controller answers; a node plugin always is. */
export async function probe(ctx: PluginContext): Promise<unknown> {
  if (ctx.mode !== 'node') {
    try { await ctx.client.controller.version(); } catch (e) { throw precondition(`LINSTOR controller not reachable: ${(e as Error).message}`); }
  }
  return { ready: { value: true } };
}

export function controllerGetCapabilities(): unknown {
  return {
    capabilities: ['CREATE_DELETE_VOLUME', 'PUBLISH_UNPUBLISH_VOLUME', 'LIST_VOLUMES', 'GET_CAPACITY', 'CREATE_DELETE_SNAPSHOT',
      'LIST_SNAPSHOTS', 'CLONE_VOLUME', 'PUBLISH_READONLY', 'EXPAND_VOLUME', 'LIST_VOLUMES_PUBLISHED_NODES', 'VOLUME_CONDITION',
      'GET_VOLUME', 'GET_SNAPSHOT', 'MODIFY_VOLUME'].map((type) => ({ rpc: { type } })),
  };
}
