import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import { type NetInterface, type Node, type NodeType } from '../../model/types.js';
import { applyPropsModify } from '../../props/modify.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { listParam, nameFilter, page, propsFilter } from '../http/query.js';
import { getNode, resourcesOnNode } from '../lookup.js';
import { propsInfo } from '../services/props-info.js';
import type { ClusterState, Transaction } from '../state/cluster-state.js';
import { netInterfaceView, nodeView } from '../views/nodes.js';
import type * as api from '../../api/index.js';
import { DFLT_DISKLESS_STOR_POOL } from '../../model/defaults.js';
import { forgetNodeKey, retireNodeKey } from '../satellites/identity.js';

export const DEFAULT_SATELLITE_PORT = 3366;
export const DEFAULT_SATELLITE_SSL_PORT = 3367;

/** The stored node type of a (validated) request's type; SATELLITE when none is given. */
function nodeType(t: string | undefined, current: NodeType = 'SATELLITE'): NodeType {
  return t === undefined ? current : t.toUpperCase() as NodeType;
}

/** The stored interface of a (validated: core/api/rules.ts) NetInterface request. */
export function toNetInterface(ni: api.NetInterface): NetInterface {
  if (!ni.address) throw new ApiError('FAIL_INVLD_NET_ADDR', 'The network interface has no address.', { correction: 'Give the address as e.g. 192.168.1.10.', obj: 'NET_IF' });
  const enc = (ni.satellite_encryption_type ?? 'PLAIN').toUpperCase() as 'PLAIN' | 'SSL';
  return {
    name: ni.name ?? 'default', address: ni.address, uuid: randomUUID(),
    satelliteEncryptionType: enc,
    satellitePort: ni.satellite_port ?? (enc === 'SSL' ? DEFAULT_SATELLITE_SSL_PORT : DEFAULT_SATELLITE_PORT),
  };
}

export function registerNodeRoutes(r: Router, ctx: ControllerContext): void {
  const { state, runtime, reporter } = ctx;
  const NODE = { obj: 'NODE' as const };

  r.get('/v1/nodes', route(reporter, NODE, 200, (req) => {
    const byName = nameFilter(listParam(req, 'nodes'));
    const byProps = propsFilter(req);
    return { json: page(req, state.nodes.values(), (n) => byName(n.name) && byProps(n.props), (n) => nodeView(n, runtime)) };
  }));

  r.get('/v1/nodes/properties/info', route(reporter, NODE, 200, () => ({ json: propsInfo('NODE') })));
  r.get('/v1/nodes/:node', route(reporter, NODE, 200, (req) => ({ json: nodeView(getNode(state, String(req.params.node)), runtime) })));

  r.post('/v1/nodes', route(reporter, { obj: 'NODE', op: 'CRT', body: 'POST /v1/nodes' }, 201, async (_req, _res, b) => {
    const name = b.name;
    const type = nodeType(b.type);
    const props = { ...b.props };
    const nis = (b.net_interfaces ?? []).map(toNetInterface);
    if (!nis.length && type !== 'AUXILIARY') {
      throw new ApiError('FAIL_MISSING_NETCOM', `Node '${name}' needs a network interface.`, {
        correction: 'Give net_interfaces: [{"name": "default", "address": "<ip>"}] (linstor node create NAME IP).', obj: 'NODE',
      });
    }
    if (new Set(nis.map((n) => nameKey(n.name))).size !== nis.length) {
      throw new ApiError('FAIL_EXISTS_NET_IF', 'Two network interfaces have the same name.', { correction: 'Give each interface its own name.', obj: 'NET_IF' });
    }
    const node: Node = { name, type, flags: [], props, netInterfaces: nis, activeNetInterface: nis[0]?.name, uuid: randomUUID() };
    await state.mutate((tx) => {
      if (state.nodes.has(nameKey(name))) throw Errors.exists('FAIL_EXISTS_NODE', 'Node', name, { obj: 'NODE', op: 'CRT' });
      tx.put(state.nodes, nameKey(name), node);
      // A new node has no identity yet: a key left by an earlier node of this name is retired.
      retireNodeKey(state, tx, nameKey(name));
      // Every satellite gets the diskless pool, as LINSTOR creates it with the node.
      if (type === 'SATELLITE' || type === 'COMBINED') addDefaultDisklessPool(state, tx, name);
    });
    if (type !== 'CONTROLLER' && type !== 'AUXILIARY') ctx.links.connect(nameKey(name));
    return { rc: [rcEntry('CREATED', `New node '${name}' registered.`, { obj: 'NODE', op: 'CRT', objRefs: { Node: name } })] };
  }));

  r.put('/v1/nodes/:node', route(reporter, { obj: 'NODE', op: 'MOD', body: 'PUT /v1/nodes/{node}' }, 200, async (req, _res, b) => {
    const { node, change } = await state.mutate((tx) => {
      const cur = getNode(state, String(req.params.node));
      const modified = applyPropsModify(cur.props, b);
      tx.put(state.nodes, nameKey(cur.name), { ...cur, type: nodeType(b.node_type, cur.type), props: modified.props });
      return { node: cur, change: modified };
    });
    const rc = [rcEntry('MODIFIED', `Node '${node.name}' modified.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } })];
    for (const k of change.unsetDeletes) rc.push(rcEntry('WARN_DEL_UNSET_PROP', `Could not delete property '${k}' as it did not exist.`, { obj: 'NODE', op: 'MOD' }));
    return { rc };
  }));

  r.delete('/v1/nodes/:node', route(reporter, { obj: 'NODE', op: 'DEL' }, 200, async (req) => {
    const node = await state.mutate((tx) => {
      const node = getNode(state, String(req.params.node));
      const placed = resourcesOnNode(state, node.name);
      if (placed.length) {
        throw Errors.inUse(`Node '${node.name}' still has resources.`,
          `Resources on the node: ${placed.slice(0, 10).map((p) => p.name).join(', ')}${placed.length > 10 ? ', ...' : ''}`,
          'Delete the resources first, or use "node lost" if the node is gone for good.', { obj: 'NODE', op: 'DEL', objRefs: { Node: node.name } });
      }
      for (const sp of [...state.storagePools.withPrefix(`${nameKey(node.name)}/`)]) tx.delete(state.storagePools, `${nameKey(node.name)}/${nameKey(sp.name)}`);
      tx.delete(state.nodes, nameKey(node.name));
      return node;
    });
    ctx.links.disconnect(nameKey(node.name));
    runtime.nodes.delete(nameKey(node.name));
    return { rc: [rcEntry('DELETED', `Node '${node.name}' deleted.`, { obj: 'NODE', op: 'DEL', objRefs: { Node: node.name } })] };
  }));

  // linstor-ts: forget the node's satellite identity (a reinstalled satellite pairs anew).
  r.post('/v1/nodes/:node/reset-pairing', route(reporter, { obj: 'NODE', op: 'MOD' }, 200, async (req) => {
    const node = getNode(state, String(req.params.node));
    const had = await state.mutate((tx) => forgetNodeKey(state, tx, nameKey(node.name)));
    ctx.links.connect(nameKey(node.name));
    return { rc: [rcEntry('MODIFIED', had
      ? `Pairing of node '${node.name}' reset: the next satellite to answer at its address pairs with it.`
      : `Node '${node.name}' was not paired; reconnecting.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } })] };
  }));

  r.put('/v1/nodes/:node/reconnect', route(reporter, { obj: 'NODE', op: 'MOD' }, 200, (req) => {
    const node = getNode(state, String(req.params.node));
    ctx.links.connect(nameKey(node.name));
    return { rc: [rcEntry('MODIFIED', `Reconnecting to node '${node.name}'.`, { obj: 'NODE', op: 'MOD', objRefs: { Node: node.name } })] };
  }));

  // Net interfaces.
  const NETIF = { obj: 'NET_IF' as const };
  r.get('/v1/nodes/:node/net-interfaces', route(reporter, NETIF, 200, (req) => {
    const node = getNode(state, String(req.params.node));
    const active = node.activeNetInterface ?? node.netInterfaces[0]?.name;
    return { json: page(req, node.netInterfaces, () => true, (n) => netInterfaceView(n, n.name === active)) };
  }));
  r.get('/v1/nodes/:node/net-interfaces/:netif', route(reporter, NETIF, 200, (req) => {
    const node = getNode(state, String(req.params.node));
    const ni = findNetIf(node, String(req.params.netif));
    return { json: netInterfaceView(ni, ni.name === (node.activeNetInterface ?? node.netInterfaces[0]?.name)) };
  }));
  r.post('/v1/nodes/:node/net-interfaces', route(reporter, { obj: 'NET_IF', op: 'CRT', body: 'POST /v1/nodes/{node}/net-interfaces' }, 201, async (req, _res, b) => {
    const node = getNode(state, String(req.params.node));
    const ni = toNetInterface(b);
    const makeActive = b.is_active === true;
    if (makeActive) await checkNewEndpoint(ctx, node, undefined, ni);
    await state.mutate((tx) => {
      const cur = getNode(state, node.name);
      if (cur.netInterfaces.some((n) => nameKey(n.name) === nameKey(ni.name))) {
        throw Errors.exists('FAIL_EXISTS_NET_IF', 'Network interface', ni.name, { obj: 'NET_IF', op: 'CRT' });
      }
      tx.put(state.nodes, nameKey(cur.name), { ...cur, netInterfaces: [...cur.netInterfaces, ni], activeNetInterface: makeActive ? ni.name : cur.activeNetInterface });
    });
    if (makeActive) ctx.links.connect(nameKey(node.name));
    return { rc: [rcEntry('CREATED', `New network interface '${ni.name}' on node '${node.name}' created.`, { obj: 'NET_IF', op: 'CRT', objRefs: { Node: node.name, NetIf: ni.name } })] };
  }));
  r.put('/v1/nodes/:node/net-interfaces/:netif', route(reporter, { obj: 'NET_IF', op: 'MOD', body: 'PUT /v1/nodes/{node}/net-interfaces/{netinterface}' }, 200, async (req, _res, b) => {
    const node = getNode(state, String(req.params.node));
    const old = findNetIf(node, String(req.params.netif));
    const ni = toNetInterface({ ...netInterfaceView(old, false), ...b, name: old.name });
    ni.uuid = old.uuid;
    const makeActive = b.is_active === true;
    if (makeActive || (node.activeNetInterface ?? node.netInterfaces[0]?.name) === old.name) await checkNewEndpoint(ctx, node, old, ni);
    await state.mutate((tx) => {
      const cur = getNode(state, node.name);
      findNetIf(cur, old.name);
      tx.put(state.nodes, nameKey(cur.name), {
        ...cur,
        netInterfaces: cur.netInterfaces.map((n) => (n.name === old.name ? ni : n)),
        activeNetInterface: makeActive ? old.name : cur.activeNetInterface,
      });
    });
    if (makeActive || (node.activeNetInterface ?? node.netInterfaces[0]?.name) === old.name) ctx.links.connect(nameKey(node.name));
    return { rc: [rcEntry('MODIFIED', `Network interface '${old.name}' on node '${node.name}' modified.`, { obj: 'NET_IF', op: 'MOD', objRefs: { Node: node.name, NetIf: old.name } })] };
  }));
  r.delete('/v1/nodes/:node/net-interfaces/:netif', route(reporter, { obj: 'NET_IF', op: 'DEL' }, 200, async (req) => {
    const { node, ni } = await state.mutate((tx) => {
      const node = getNode(state, String(req.params.node));
      const ni = findNetIf(node, String(req.params.netif));
      if ((node.activeNetInterface ?? node.netInterfaces[0]?.name) === ni.name) {
        throw Errors.inUse(`Network interface '${ni.name}' is the active satellite connection of node '${node.name}'.`,
          'The controller uses this interface to reach the satellite.', 'Make another interface active first (node interface modify --active).', { obj: 'NET_IF', op: 'DEL' });
      }
      tx.put(state.nodes, nameKey(node.name), { ...node, netInterfaces: node.netInterfaces.filter((n) => n.name !== ni.name) });
      return { node, ni };
    });
    return { rc: [rcEntry('DELETED', `Network interface '${ni.name}' on node '${node.name}' deleted.`, { obj: 'NET_IF', op: 'DEL', objRefs: { Node: node.name, NetIf: ni.name } })] };
  }));
}

/**
 * A net-interface change moves the satellite link of an online node only when the new
 * endpoint presents the node's own identity: otherwise anyone who can call the API could
 * point the node's desired state (and volume keys) at a listener of their own.
 */
async function checkNewEndpoint(ctx: ControllerContext, node: Node, old: NetInterface | undefined, ni: NetInterface): Promise<void> {
  if (old && old.address === ni.address && old.satellitePort === ni.satellitePort && old.satelliteEncryptionType === ni.satelliteEncryptionType) return;
  if (ctx.runtime.nodes.get(nameKey(node.name))?.status !== 'ONLINE') return;
  await ctx.links.verifyEndpoint(nameKey(node.name), ni);
}

function findNetIf(node: Node, name: string): NetInterface {
  const ni = node.netInterfaces.find((n) => nameKey(n.name) === nameKey(name));
  if (!ni) throw Errors.notFound('FAIL_NOT_FOUND_NET_IF', 'Network interface', name, { obj: 'NET_IF', objRefs: { Node: node.name, NetIf: name } });
  return ni;
}

/** Adds DfltDisklessStorPool (DISKLESS) to a new node, and its definition if missing. */
function addDefaultDisklessPool(state: ClusterState, tx: Transaction, nodeName: string): void {
  const pool = DFLT_DISKLESS_STOR_POOL;
  if (!state.storagePoolDefinitions.has(nameKey(pool))) tx.put(state.storagePoolDefinitions, nameKey(pool), { name: pool, props: {}, uuid: randomUUID() });
  tx.put(state.storagePools, `${nameKey(nodeName)}/${nameKey(pool)}`, {
    name: pool, nodeName, providerKind: 'DISKLESS', props: {}, freeSpaceMgrName: `${nodeName};${pool}`, externalLocking: false, uuid: randomUUID(),
  });
}
