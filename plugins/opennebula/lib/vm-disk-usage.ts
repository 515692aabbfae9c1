/**
 * Per-VM disk usage for the system datastore monitor. oned (≥ 5.12) reads one line per VM:
 * `VM=[ID=<vmid>, MONITOR="<base64 of 'DISK_SIZE=[ID=<disk>,SIZE=<MiB>] …'>"]`; before that
 * the attribute was POLL with the plain text (ONE_LINSTOR_LEGACY_MONITORING=1 prints that).
 * The VM and disk come from the names this driver gives VM disks (`<source>-vm<id>-disk<n>`,
 * `OpenNebula-Volatile-vm<id>-disk<n>`), or from Aux/one/VM_ID + Aux/one/DISK_ID properties
 * on the resource definition where an operator or another tool set them. A persistent image
 * keeps its image name and therefore is not reported per VM (as in addon-linstor).
 * The size is what the storage really holds: the largest allocated size among the replicas
 * with data (thin pools grow with writes), else the usable size.
 */
import { isDisklessResource, type ResourceDefinition, type ResourceWithVolumes } from '../../../core/client/index.js';
import type { OneLinstor } from './linstor.js';

export interface VmDiskUsage { vmId: number; diskId: number; resource: string; sizeMiB: number }

const VM_DISK_NAME = /-vm(\d+)-disk(\d+)$/;

export function vmDiskOf(rd: Pick<ResourceDefinition, 'name' | 'props'>): { vmId: number; diskId: number } | undefined {
  const p = rd.props ?? {};
  if (/^\d+$/.test(p['Aux/one/VM_ID'] ?? '') && /^\d+$/.test(p['Aux/one/DISK_ID'] ?? '')) return { vmId: Number(p['Aux/one/VM_ID']), diskId: Number(p['Aux/one/DISK_ID']) };
  const m = VM_DISK_NAME.exec(rd.name ?? '');
  return m ? { vmId: Number(m[1]), diskId: Number(m[2]) } : undefined;
}

export function usedKib(replicas: ResourceWithVolumes[]): number {
  let best = 0;
  for (const r of replicas) {
    if (isDisklessResource(r.flags)) continue;
    const v = r.volumes?.find((x) => (x.volume_number ?? 0) === 0);
    best = Math.max(best, v?.allocated_size_kib ?? v?.usable_size_kib ?? 0);
  }
  return best;
}

export async function vmDiskUsage(l: OneLinstor): Promise<VmDiskUsage[]> {
  const rds = (await l.client.resourceDefinitions.list()).map((rd) => ({ rd, vm: vmDiskOf(rd) })).filter((x) => x.vm);
  if (!rds.length) return [];
  const view = await l.client.resources.view({ resources: rds.map((x) => x.rd.name!) });
  return rds.map(({ rd, vm }) => ({
    ...vm!, resource: rd.name!, sizeMiB: Math.ceil(usedKib(view.filter((r) => r.name === rd.name)) / 1024),
  })).sort((a, b) => a.vmId - b.vmId || a.diskId - b.diskId);
}

export function formatVmDiskUsage(usage: VmDiskUsage[], legacy = process.env.ONE_LINSTOR_LEGACY_MONITORING === '1'): string {
  const byVm = new Map<number, VmDiskUsage[]>();
  for (const u of usage) byVm.set(u.vmId, [...(byVm.get(u.vmId) ?? []), u]);
  return [...byVm].map(([vmId, disks]) => {
    const poll = disks.map((d) => `DISK_SIZE=[ID=${d.diskId},SIZE=${d.sizeMiB}]`).join(' ');
    return legacy ? `VM=[ID=${vmId}, POLL="${poll}"]\n` : `VM=[ID=${vmId}, MONITOR="${Buffer.from(poll).toString('base64')}"]\n`;
  }).join('');
}
