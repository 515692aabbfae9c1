/**
 * `linstor physical-storage list` and `create-device-pool`, as linstor-client shows them:
 * one row per (size, rotational) group, the nodes with their devices in the last column
 * (`node[/dev/sdb(serial,wwn)]`, one line per node).
 */
import { newTable, showList, showReplies } from '../context.js';
import { list, obool, ostr, str, type CmdSpec } from '../spec.js';
import { parseSizeKib } from '../units.js';
import { seg } from '../../client/http.js';
import { pastableOpt, SUB } from './common.js';

type Obj = Record<string, any>;
const KINDS: Record<string, string> = { lvm: 'LVM', lvmthin: 'LVM_THIN', zfs: 'ZFS', zfsthin: 'ZFS_THIN', spdk: 'SPDK' };
const pyBool = (b: boolean): string => (b ? 'True' : 'False');

export const physicalStorageCommand: CmdSpec = {
  name: 'physical-storage', aliases: ['ps'], help: 'Physical-storage subcommands', title: 'Physical-storage commands',
  sub: [
    {
      ...SUB.list, help: 'Prints a list of all physical storage available for LINSTOR use. By default, the list is printed as a human readable table. Criteria are:\n  * Device size must be greater than 1GiB\n  * Device must be a root device, for example, `/dev/vda`, `/dev/sda`, and not have any children.\n  * Device must not have any file system or other `blkid` marker.\n  * Device must not be an existing DRBD device.',
      opts: [pastableOpt],
      run: async (ctx, p) => {
        const groups = await ctx.client.transport.get<Obj[]>('/v1/physical-storage');
        return showList(ctx, 'raw', groups, () => {
          const t = newTable(ctx, p).addColumn('Size').addColumn('Rotational').addColumn('Nodes');
          for (const g of groups) {
            const nodes = Object.entries<Obj[]>(g.nodes ?? {}).map(([node, devs]) => `${node}[${devs.map((d) => {
              const extra = [d.serial, d.wwn].filter(Boolean);
              return extra.length ? `${d.device}(${extra.join(',')})` : d.device;
            }).join(',')}]`);
            t.addRow([g.size, pyBool(g.rotational), nodes.join('\n')]);
          }
          return t.show();
        });
      },
    },
    {
      ...SUB.createDevicePool, help: 'Creates an LVM or ZFS(thin) pool with an optional VDO on the device.',
      args: [
        { name: 'provider_kind', choices: Object.keys(KINDS), lower: true, help: 'Provider kind' },
        { name: 'node_name', help: 'Node name', complete: 'node' },
        { name: 'device_paths', variadic: '+', help: 'List of full device paths to use' },
      ],
      opts: [
        { name: 'pool-name', kind: 'str', required: true, help: 'Name of the new pool' },
        { name: 'vdo-enable', kind: 'bool', help: 'Use VDO.(only Centos/RHEL)' },
        { name: 'vdo-logical-size', kind: 'str', help: 'VDO logical size.' },
        { name: 'vdo-slab-size', kind: 'str', help: 'VDO slab size.' },
        { name: 'storage-pool', kind: 'str', help: 'Create a Linstor storage pool with the given name' },
        { name: 'sed', kind: 'bool', help: 'Setup self encrypting drive with Linstor. Needs SED/OPAL2 capable drive and sedutil installed and --storage-pool' },
      ],
      run: async (ctx, p) => {
        const body: Obj = { device_paths: list(p, 'device_paths'), provider_kind: KINDS[str(p, 'provider_kind')], pool_name: ostr(p, 'pool-name'), vdo_enable: obool(p, 'vdo-enable') };
        if (ostr(p, 'vdo-logical-size')) body.vdo_logical_size_kib = parseSizeKib(ostr(p, 'vdo-logical-size')!, 'KiB');
        if (obool(p, 'vdo-enable') && ostr(p, 'vdo-slab-size')) body.vdo_slab_size_kib = parseSizeKib(ostr(p, 'vdo-slab-size')!, 'KiB');
        if (ostr(p, 'storage-pool')) body.with_storage_pool = { name: ostr(p, 'storage-pool') };
        if (obool(p, 'sed')) body.sed = true;
        return showReplies(ctx, await ctx.client.transport.post(`/v1/physical-storage/${seg(str(p, 'node_name'))}`, body));
      },
    },
  ],
};
