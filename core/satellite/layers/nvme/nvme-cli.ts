/**
 * The NVMe-oF initiator side through nvme-cli: argv builders and the parser of
 * `nvme list -o json` (plain and `-v` shapes of nvme-cli 1.x/2.x).
 */
export const nvmeCli = {
  connect: (trType: string, address: string, port: number, nqn: string): string[] =>
    ['nvme', 'connect', '-t', trType, '-a', address, '-s', String(port), '-n', nqn],
  disconnect: (nqn: string): string[] => ['nvme', 'disconnect', '-n', nqn],
  list: (): string[] => ['nvme', 'list', '-o', 'json'],
  version: (): string[] => ['nvme', 'version'],
};

export interface NvmeNamespaceDevice {
  devicePath: string;
  nsid: number;
  serial?: string;
  subsystemNqn?: string;
  sizeBytes?: number;
}

interface PlainDevice { NameSpace?: number | string; DevicePath?: string; SerialNumber?: string; PhysicalSize?: number }
interface VerboseNs { NameSpace?: string; NSID?: number; PhysicalSize?: number }
interface VerboseSubsys { SubsystemNQN?: string; Controllers?: Array<{ SerialNumber?: string; Namespaces?: VerboseNs[] }>; Namespaces?: VerboseNs[] }

/** Every namespace block device `nvme list -o json` shows. */
export function parseNvmeList(json: string): NvmeNamespaceDevice[] {
  if (!json.trim()) return [];
  const doc = JSON.parse(json) as { Devices?: Array<PlainDevice & { Subsystems?: VerboseSubsys[] }> };
  const out: NvmeNamespaceDevice[] = [];
  for (const d of doc.Devices ?? []) {
    if (d.Subsystems) {
      for (const s of d.Subsystems) {
        const serial = s.Controllers?.[0]?.SerialNumber?.trim();
        const nss = [...(s.Namespaces ?? []), ...(s.Controllers ?? []).flatMap((c) => c.Namespaces ?? [])];
        for (const ns of nss) {
          if (!ns.NameSpace) continue;
          out.push({ devicePath: `/dev/${ns.NameSpace}`, nsid: Number(ns.NSID ?? /n(\d+)$/.exec(ns.NameSpace)?.[1]), serial, subsystemNqn: s.SubsystemNQN, sizeBytes: ns.PhysicalSize });
        }
      }
      continue;
    }
    if (d.DevicePath) out.push({ devicePath: d.DevicePath, nsid: Number(d.NameSpace), serial: d.SerialNumber?.trim(), sizeBytes: d.PhysicalSize });
  }
  return out;
}

/** The namespaces of one exported resource, matched by NQN when shown, else by the subsystem serial. */
export function devicesOf(devs: NvmeNamespaceDevice[], nqn: string, serial: string): Map<number, NvmeNamespaceDevice> {
  const m = new Map<number, NvmeNamespaceDevice>();
  for (const d of devs) if (d.subsystemNqn === nqn || (!d.subsystemNqn && d.serial === serial)) m.set(d.nsid, d);
  return m;
}
