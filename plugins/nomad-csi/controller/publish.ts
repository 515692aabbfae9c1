/**
 * ControllerPublishVolume makes the volume reachable on a node: nothing to do where a
 * replica is, a diskless attachment (make-available) elsewhere when the layer list has a
 * network layer and allowRemoteVolumeAccess permits it. Who has it published, and how
 * (ro/rw), is kept in Aux/csi/published/<node> so repeats and conflicts can be told apart.
 */
import { isReadOnlyMode, isSingleNode, requireCapability, type VolumeCapability } from '../capabilities.js';
import type { PluginContext } from '../context.js';
import { alreadyExists, isNotFound, notFound, orUndefined, precondition } from '../errors.js';
import { PROP } from '../names.js';
import { canAttachRemotely } from '../params.js';
import { paramsOf, publishedNodes, requireId, requireVolume } from './lookup.js';

export interface ControllerPublishRequest {
  volume_id?: string; node_id?: string; volume_capability?: VolumeCapability | null; readonly?: boolean; volume_context?: Record<string, string>;
}

export async function controllerPublishVolume(ctx: PluginContext, req: ControllerPublishRequest): Promise<unknown> {
  const id = requireId(req.volume_id, 'volume_id');
  const node = requireId(req.node_id, 'node_id');
  const cap = requireCapability(req.volume_capability);
  const readonly = !!req.readonly || isReadOnlyMode(cap);
  return ctx.locks.with([`vol:${id}`], async () => {
    const c = ctx.client;
    const v = await requireVolume(ctx, id);
    if (!(await orUndefined(() => c.nodes.get(node)))) throw notFound(`node ${node} does not exist`);
    const published = publishedNodes(v.rd);
    const mine = published.get(node);
    if (mine && (mine === 'ro') !== readonly) throw alreadyExists(`volume ${id} is already published on ${node} ${mine === 'ro' ? 'read-only' : 'read-write'}`);
    const others = [...published.keys()].filter((n) => n !== node);
    if (!mine && isSingleNode(cap) && others.length) throw precondition(`volume ${id} (single-node access) is published on ${others.join(', ')}`);
    const resources = await c.resources.list(id);
    const here = resources.find((r) => r.node_name === node);
    const props: Record<string, string> = { [PROP.publishPrefix + node]: readonly ? 'ro' : 'rw' };
    if (!here) {
      const p = paramsOf(v.rd);
      if (!canAttachRemotely(p)) {
        throw precondition(`volume ${id} has no replica on node ${node}, and it cannot be attached over the network `
          + `(allowRemoteVolumeAccess=${p.allowRemoteVolumeAccess}, layerList=${p.layerList.join(' ').toLowerCase()}): `
          + 'place the workload on a node holding a replica, or use a layer list with drbd');
      }
      await c.resources.makeAvailable(id, node, { diskful: false });
      props[PROP.disklessPrefix + node] = 'true';
    }
    if (!mine) await c.resourceDefinitions.modify(id, { override_props: props });
    const vol = await orUndefined(() => c.resources.getVolume(id, node, 0));
    return { publish_context: vol?.device_path ? { devicePath: vol.device_path } : {} };
  });
}

/** Unpublishing what is not published (or a volume that is gone) is success. */
export async function controllerUnpublishVolume(ctx: PluginContext, req: { volume_id?: string; node_id?: string }): Promise<unknown> {
  const id = requireId(req.volume_id, 'volume_id');
  return ctx.locks.with([`vol:${id}`], async () => {
    const c = ctx.client;
    const rd = await orUndefined(() => c.resourceDefinitions.get(id));
    if (!rd) return {};
    const published = publishedNodes(rd);
    const nodes = req.node_id ? [req.node_id] : [...published.keys()];
    for (const node of nodes) {
      if (rd.props?.[PROP.disklessPrefix + node] === 'true') {
        // Only attachments this plugin made are removed; a tie-breaker stays a tie-breaker.
        await c.resources.delete(id, node, { keepTiebreaker: true }).catch((e) => { if (!isNotFound(e)) throw e; });
      }
      const del = [PROP.publishPrefix + node, PROP.disklessPrefix + node].filter((k) => rd.props?.[k] !== undefined);
      if (del.length) await c.resourceDefinitions.modify(id, { delete_props: del });
    }
    return {};
  });
}
