/**
 * `linstor physical-storage list` and `create-device-pool`, as linstor-client shows them:
 * one row per (size, rotational) group, the nodes with their devices in the last column
 * (`node[/dev/sdb(serial,wwn)]`); a group on several nodes continues on the next rows.
 */
import { showList, showReplies, type Ctx } from '../context.js';
import { list, ostr, str, UsageError, type CmdSpec, type Parsed } from '../spec.js';
import type { CellValue } from '../table.js';
import { seg } from '../../client/http.js';
import type { ApiCallRc } from '../../client/types.js';
import { LIST } from './common.js';

export interface PhysicalStorageDevice { device: string; model?: string; serial?: string; wwn?: string }
export interface PhysicalStorage { size: number; rotational: boolean; nodes: Record<string, PhysicalStorageDevice[]> }
export interface PhysicalStorageCreate {
  provider_kind: string;
  device_paths: string[];
  pool_name?: string;
  with_storage_pool?: { name: string; props?: Record<string, string> };
}

/** The REST calls of this family (kept here until core/client grows a physical-storage API). */
export const physicalStorageApi = (ctx: Ctx) => ({
  list: (): Promise<PhysicalStorage[]> => ctx.client.transport.get('/v1/physical-storage'),
  createDevicePool: (node: string, body: PhysicalStorageCreate): Promise<ApiCallRc[]> => ctx.client.transport.post(`/v1/physical-storage/${seg(node)}`, body),
});

function nodeCell(node: string, devices: PhysicalStorageDevice[]): string {
  const devs = devices.map((d) => {
    const extra = [d.serial, d.wwn].filter(Boolean);
    return extra.length ? `${d.device}(${extra.join(',')})` : d.device;
  });
  return `${node}[${devs.join(',')}]`;
}

/** Python prints booleans as True/False; so does the real client's table. */
const pyBool = (b: boolean): string => (b ? 'True' : 'False');

async function psList(ctx: Ctx): Promise<number> {
  const groups = await physicalStorageApi(ctx).list();
  const rows: CellValue[][] = [];
  for (const g of groups) {
    const nodes = Object.entries(g.nodes ?? {});
    if (!nodes.length) { rows.push([g.size, pyBool(g.rotational), '']); continue; }
    nodes.forEach(([node, devs], i) => rows.push(i === 0 ? [g.size, pyBool(g.rotational), nodeCell(node, devs)] : ['', '', nodeCell(node, devs)]));
  }
  return showList(ctx, groups, ['Size', 'Rotational', 'Nodes'], rows);
}

const KINDS: Record<string, string> = { lvm: 'LVM', lvmthin: 'LVM_THIN', zfs: 'ZFS', zfsthin: 'ZFS_THIN' };

async function createDevicePool(ctx: Ctx, p: Parsed): Promise<number> {
  const kindArg = str(p, 'provider_kind');
  const kind = KINDS[kindArg.toLowerCase().replace(/_/g, '')];
  if (!kind) throw new UsageError(`argument provider_kind: invalid choice: '${kindArg}' (choose from 'lvm', 'lvmthin', 'zfs', 'zfsthin')`);
  const body: PhysicalStorageCreate = { provider_kind: kind, device_paths: list(p, 'device_paths'), pool_name: ostr(p, 'pool-name') };
  const sp = ostr(p, 'storage-pool');
  if (sp) body.with_storage_pool = { name: sp };
  return showReplies(ctx, await physicalStorageApi(ctx).createDevicePool(str(p, 'node_name'), body));
}

export const physicalStorageCommand: CmdSpec = {
  name: 'physical-storage', aliases: ['ps'], help: 'Physical-storage subcommands',
  sub: [
    { ...LIST, help: 'Prints a list of all usable physical storage.', opts: [{ name: 'pastable', short: 'p', kind: 'bool' }], run: psList },
    {
      name: 'create-device-pool', aliases: ['cdp'], help: 'Creates an LVM/LVM-thin/ZFS pool on the given devices of a node.',
      args: [{ name: 'provider_kind' }, { name: 'node_name' }, { name: 'device_paths', variadic: '+' }],
      opts: [
        { name: 'pool-name', kind: 'str', help: 'Name of the new pool (LVM volume group or zpool)' },
        { name: 'storage-pool', kind: 'str', help: 'Create a LINSTOR storage pool with the given name on the new pool' },
      ],
      run: async (ctx, p) => {
        if (!ostr(p, 'pool-name')) throw new UsageError('the following arguments are required: --pool-name');
        return createDevicePool(ctx, p);
      },
    },
  ],
};
