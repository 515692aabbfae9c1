/**
 * Live migration around `virsh migrate`: premigrate attaches every LINSTOR disk on the
 * destination (DRBD gets allow-two-primaries for the hand-over) and links it; postmigrate
 * unlinks and detaches on the source. The VM XML arrives base64 on stdin. When a system-DS
 * driver calls us with its own name as 6th argument, only disks with TM_MAD=linstor are ours,
 * which is what linstorDisks selects in every case.
 */
import { requireArg } from './args.js';
import { tmContext } from './context.js';
import { DriverError, logInfo } from './log.js';
import { vmInfoFromXml, showVm, type VmInfo } from './one-cli.js';
import { linkOnHost, linstorDisks, unlinkOnHost } from './tm.js';
import { child, parseXml } from './xml.js';

const TWO_PRIMARIES = 'DrbdOptions/Net/allow-two-primaries';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

export async function migrationVm(vmId: string): Promise<VmInfo> {
  const b64 = await readStdin();
  if (b64) {
    const vm = child(await parseXml(Buffer.from(b64, 'base64').toString('utf8')), 'VM');
    if (vm) return vmInfoFromXml(vm);
  }
  return showVm(vmId);
}

export interface MigrationArgs { srcHost: string; dstHost: string; dir: string; vmId: string; dsId: string; callingTm?: string }

export function migrationArgs(argv: string[]): MigrationArgs {
  return {
    srcHost: requireArg(argv, 0, 'source host'), dstHost: requireArg(argv, 1, 'destination host'),
    dir: requireArg(argv, 2, 'VM folder'), vmId: requireArg(argv, 3, 'vm id'), dsId: requireArg(argv, 4, 'datastore id'),
    callingTm: argv[5] || undefined,
  };
}

export async function premigrate(a: MigrationArgs): Promise<void> {
  const vm = await migrationVm(a.vmId);
  const ctx = await tmContext(a.dsId);
  try {
    for (const d of linstorDisks(vm)) {
      if (await ctx.linstor.supportsDiskless(d.name)) {
        await ctx.linstor.client.resourceDefinitions.modify(d.name, { override_props: { [TWO_PRIMARIES]: 'yes' } });
      }
      const device = await ctx.linstor.attach(d.name, a.dstHost);
      await linkOnHost(ctx.hosts, a.dstHost, device, `${a.dir}/disk.${d.diskId}`);
    }
    if (a.callingTm) logInfo(`called by system datastore driver ${a.callingTm}: handled ${linstorDisks(vm).length} LINSTOR disk(s)`);
  } finally { ctx.hosts.closeAll(); }
}

/** After a migration (or with hosts swapped after a failed one): the old host lets go. */
export async function postmigrate(a: MigrationArgs): Promise<void> {
  if (a.srcHost === a.dstHost) throw new DriverError('source and destination host are the same', 'check the migration arguments');
  const vm = await migrationVm(a.vmId);
  const ctx = await tmContext(a.dsId);
  try {
    for (const d of linstorDisks(vm)) {
      await unlinkOnHost(ctx.hosts, a.srcHost, `${a.dir}/disk.${d.diskId}`);
      await ctx.linstor.detach(d.name, a.srcHost);
      if (await ctx.linstor.supportsDiskless(d.name)) {
        await ctx.linstor.client.resourceDefinitions.modify(d.name, { delete_props: [TWO_PRIMARIES] });
      }
    }
  } finally { ctx.hosts.closeAll(); }
}
