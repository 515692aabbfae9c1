/**
 * Physical storage (`linstor physical-storage list / create-device-pool`): the controller asks
 * each online satellite for its unused devices and has one satellite turn devices into an
 * LVM VG, LVM thin pool or zpool, optionally registering a storage pool on top of it.
 * Offline nodes are left out of the list, as LINSTOR does.
 */
import type { Router } from 'express';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import { nameKey, printable } from '../../model/names.js';
import type { DevicePoolRequest, PhysicalDevice } from '../../model/satellite-protocol.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { page } from '../http/query.js';
import { getNode } from '../lookup.js';
import { prepareStoragePool, storeStoragePool } from '../services/storage-pool-create.js';

const PD = 'PHYSICAL_DEVICE' as const;
const LIST_TIMEOUT_MS = 30_000;
/** pvcreate/vgcreate/zpool create on several disks can take a while. */
const CREATE_TIMEOUT_MS = 120_000;

// A device path reaches pvcreate/zpool on the satellite: only /dev paths of safe characters.
const DEVICE_PATH = /^\/dev\/[A-Za-z0-9_.:+-]+(\/[A-Za-z0-9_.:+-]+)*$/;
const POOL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,63}$/;
// Extra words for the tools (e.g. `--dataalignment 1m`, `-o ashift=12`): no spaces or shell syntax.
const TOOL_ARG = /^[A-Za-z0-9_=.,:/+@%-]{1,256}$/;

type DeviceKind = DevicePoolRequest['providerKind'];
const KINDS: Record<string, DeviceKind> = { LVM: 'LVM', LVM_THIN: 'LVM_THIN', LVMTHIN: 'LVM_THIN', ZFS: 'ZFS', ZFS_THIN: 'ZFS_THIN', ZFSTHIN: 'ZFS_THIN' };

function deviceKind(v: unknown): DeviceKind {
  const k = typeof v === 'string' ? KINDS[v.toUpperCase()] : undefined;
  if (!k) {
    throw new ApiError('FAIL_INVLD_PROVIDER', `Provider kind '${printable(v)}' can not be used for a device pool.`, {
      correction: 'Use LVM, LVM_THIN, ZFS or ZFS_THIN.', obj: PD, op: 'CRT',
    });
  }
  return k;
}

export function checkDevicePaths(v: string[] | undefined): string[] {
  const paths = v ?? [];
  if (!paths.length) throw new ApiError('FAIL_INVLD_REQUEST', "Field 'device_paths' is null or empty.", { correction: 'Give at least one device, e.g. "device_paths": ["/dev/sdb"].', obj: PD, op: 'CRT' });
  for (const p of paths) {
    if (!DEVICE_PATH.test(p) || p.split('/').includes('..') || p.length > 255) {
      throw new ApiError('FAIL_INVLD_REQUEST', `Device path '${printable(p)}' is invalid.`, {
        cause: 'A device path must be an absolute path under /dev made of letters, digits and _ . : + - only.',
        correction: 'Use a device path as `linstor physical-storage list` shows it, e.g. /dev/sdb.', obj: PD, op: 'CRT',
      });
    }
  }
  if (new Set(paths).size !== paths.length) throw new ApiError('FAIL_INVLD_REQUEST', 'A device is listed twice in device_paths.', { correction: 'Name each device once.', obj: PD, op: 'CRT' });
  return paths;
}

/** LINSTOR's default pool name: `linstor_<first device's basename>`. */
function devicePoolName(given: string | undefined, devices: string[]): string {
  const name = given || `linstor_${devices[0]!.slice(devices[0]!.lastIndexOf('/') + 1)}`;
  if (!POOL_NAME.test(name)) {
    throw new ApiError('FAIL_INVLD_STOR_POOL_NAME', `Pool name '${printable(name)}' is invalid.`, {
      correction: 'Use up to 64 letters, digits, _ . + - (not starting with . + -).', obj: PD, op: 'CRT',
    });
  }
  return name;
}

function toolArgs(args: string[] | undefined, field: string): string[] | undefined {
  const bad = args?.find((a) => !TOOL_ARG.test(a));
  if (bad !== undefined) throw new ApiError('FAIL_INVLD_REQUEST', `Argument '${printable(bad)}' in ${field} is not allowed.`, { correction: 'Give each option word as its own list entry, without spaces or shell syntax.', obj: PD, op: 'CRT' });
  return args?.length ? args : undefined;
}

/** The StorDriver/StorPoolName a storage pool on the new device pool uses (LINSTOR's mapping). */
export function storPoolNameFor(kind: DeviceKind, pool: string): string {
  return kind === 'LVM_THIN' ? `linstor_${pool}/${pool}` : pool;
}

interface NodeDevices { node: string; devices: PhysicalDevice[] }

async function devicesOfOnlineNodes(ctx: ControllerContext): Promise<NodeDevices[]> {
  const nodes = [...ctx.state.nodes.values()].filter((n) => n.type === 'SATELLITE' || n.type === 'COMBINED');
  const answers = await Promise.all(nodes.map(async (n) => {
    try {
      return { node: n.name, devices: await ctx.links.request<PhysicalDevice[]>(nameKey(n.name), { type: 'physical-storage-list' }, LIST_TIMEOUT_MS) };
    } catch (e) {
      // An offline node simply has nothing to offer; other failures are logged, not fatal to the list.
      if (!(e instanceof ApiError && e.rc === 'FAIL_NOT_CONNECTED')) ctx.log.warn({ err: e, node: n.name }, 'physical-storage list failed on node');
      return undefined;
    }
  }));
  return answers.filter((a): a is NodeDevices => a !== undefined);
}

/** Groups devices of equal size and rotational flag, sorted by size then rotational (LINSTOR's order). */
export function groupPhysicalStorage(all: NodeDevices[]): Array<{ size: number; rotational: boolean; nodes: Record<string, Array<Record<string, string>>> }> {
  const groups = new Map<string, { size: number; rotational: boolean; nodes: Record<string, Array<Record<string, string>>> }>();
  for (const { node, devices } of all) {
    for (const d of devices) {
      const key = `${d.sizeBytes}/${d.rotational}`;
      const g = groups.get(key) ?? { size: d.sizeBytes, rotational: d.rotational, nodes: {} };
      groups.set(key, g);
      (g.nodes[node] ??= []).push(deviceView(d));
    }
  }
  return [...groups.values()].sort((a, b) => a.size - b.size || Number(a.rotational) - Number(b.rotational));
}

function deviceView(d: PhysicalDevice): Record<string, string> {
  const v: Record<string, string> = { device: d.device };
  if (d.model) v.model = d.model;
  if (d.serial) v.serial = d.serial;
  if (d.wwn) v.wwn = d.wwn;
  return v;
}

export function registerPhysicalStorageRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;

  r.get('/v1/physical-storage', route(reporter, { obj: PD }, 200, async (req) => ({
    json: page(req, groupPhysicalStorage(await devicesOfOnlineNodes(ctx)), () => true, (g) => g),
  })));

  r.get('/v1/physical-storage/:node', route(reporter, { obj: PD }, 200, async (req) => {
    const node = getNode(state, String(req.params.node));
    const devices = await ctx.links.request<PhysicalDevice[]>(nameKey(node.name), { type: 'physical-storage-list' }, LIST_TIMEOUT_MS);
    return { json: devices.map((d) => ({ size: d.sizeBytes, rotational: d.rotational, ...deviceView(d) })) };
  }));

  r.post('/v1/physical-storage/:node', route(reporter, { obj: PD, op: 'CRT', body: 'POST /v1/physical-storage/{node}' }, 201, async (req, _res, b) => {
    const node = getNode(state, String(req.params.node));
    const kind = deviceKind(b.provider_kind);
    const devicePaths = checkDevicePaths(b.device_paths);
    const poolName = devicePoolName(b.pool_name, devicePaths);
    if (b.vdo_enable === true || b.sed === true) {
      throw new ApiError('FAIL_INVLD_REQUEST', 'VDO and SED device pools are not supported by this controller.', { correction: 'Leave vdo_enable and sed unset.', obj: PD, op: 'CRT' });
    }
    const request: DevicePoolRequest = {
      providerKind: kind, poolName, devicePaths,
      pvCreateArguments: toolArgs(b.pv_create_arguments, 'pv_create_arguments'),
      vgCreateArguments: toolArgs(b.vg_create_arguments, 'vg_create_arguments'),
      lvCreateArguments: toolArgs(b.lv_create_arguments, 'lv_create_arguments'),
      zpoolCreateArguments: toolArgs(b.zpool_create_arguments, 'zpool_create_arguments'),
    };
    // Check the storage pool before the devices are touched: LINSTOR does the same with its name.
    const withSp = b.with_storage_pool;
    const sp = withSp ? prepareStoragePool(state, node.name, {
      storage_pool_name: withSp.name!, provider_kind: kind,
      props: { 'StorDriver/StorPoolName': storPoolNameFor(kind, poolName), ...withSp.props },
      free_space_mgr_name: withSp.shared_space, external_locking: withSp.external_locking,
    }) : undefined;

    await ctx.links.request(nameKey(node.name), { type: 'create-device-pool', request }, CREATE_TIMEOUT_MS);
    const rc: ApiCallRc[] = [rcEntry('CREATED', `Device pool '${poolName}' (${kind}) created on node '${node.name}' from ${devicePaths.join(', ')}.`, {
      obj: PD, op: 'CRT', objRefs: { Node: node.name }, details: `Use it as storage pool backing '${storPoolNameFor(kind, poolName)}'.`,
    })];
    if (sp) {
      try {
        rc.push(...await storeStoragePool(state, sp));
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        // The device pool exists now and stays: say so rather than pretend nothing happened.
        rc.push(rcEntry(e.rc, e.message, { ...e.opts, obj: 'STOR_POOL', op: 'CRT', cause: `${e.opts.cause ?? ''} The device pool '${poolName}' on node '${node.name}' was created and is left in place.`.trim() }));
      }
    }
    return { rc };
  }));
}
