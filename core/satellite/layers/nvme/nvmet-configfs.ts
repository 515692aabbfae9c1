import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rmdir, symlink, unlink, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The NVMe-oF target side: the kernel's nvmet configfs tree (`<root>/nvmet/subsystems/<nqn>`,
 * `.../namespaces/<nsid>`, `<root>/nvmet/ports/<id>`), written file by file as nvmetcli does.
 * `root` is injectable (default /sys/kernel/config) so tests point it at a temporary folder;
 * on real configfs mkdir creates the attribute files and rmdir removes a whole object, so
 * `removeDir` is injectable too (tests pass a recursive rm).
 */
export const NQN_PREFIX = 'nqn.2018-02.linbit.linstor:';
export const DEFAULT_NVME_PORT = 4420;

export const nqnOf = (rsc: string): string => `${NQN_PREFIX}${rsc}`;
/** Serial shown by the initiator (`nvme list`): how it finds the namespaces of one resource. */
export const serialOf = (rsc: string): string => createHash('sha256').update(rsc).digest('hex').slice(0, 20);

export interface NvmetOptions {
  root?: string;
  removeDir?: (path: string) => Promise<void>;
}

export interface TargetSpec {
  resource: string;
  /** nsid (volume number + 1) → backing device. */
  namespaces: Map<number, string>;
  trType: string;
  address: string;
  port: number;
  adrfam: 'ipv4' | 'ipv6';
}

export class NvmetConfigfs {
  readonly root: string;
  private readonly removeDir: (p: string) => Promise<void>;
  constructor(opts: NvmetOptions = {}) {
    this.root = opts.root ?? '/sys/kernel/config';
    this.removeDir = opts.removeDir ?? ((p) => rmdir(p));
  }

  get nvmet(): string { return join(this.root, 'nvmet'); }
  subsystemDir(rsc: string): string { return join(this.nvmet, 'subsystems', nqnOf(rsc)); }

  /** Creates (or completes) the subsystem, its namespaces and the port link; idempotent. */
  async exportResource(t: TargetSpec): Promise<{ nqn: string; portId: number }> {
    const nqn = nqnOf(t.resource);
    const sub = this.subsystemDir(t.resource);
    await mkdir(sub, { recursive: true });
    await writeFile(join(sub, 'attr_allow_any_host'), '1');
    await writeFile(join(sub, 'attr_serial'), serialOf(t.resource));
    for (const [nsid, dev] of t.namespaces) {
      const ns = join(sub, 'namespaces', String(nsid));
      await mkdir(ns, { recursive: true });
      if ((await readAttr(join(ns, 'device_path'))) !== dev) {
        // The kernel refuses a new device_path while the namespace is enabled.
        if ((await readAttr(join(ns, 'enable'))) === '1') await writeFile(join(ns, 'enable'), '0');
        await writeFile(join(ns, 'device_path'), dev);
      }
      await writeFile(join(ns, 'enable'), '1');
    }
    const portId = await this.ensurePort(t);
    const link = join(this.nvmet, 'ports', String(portId), 'subsystems', nqn);
    if (!(await exists(link))) {
      await mkdir(join(this.nvmet, 'ports', String(portId), 'subsystems'), { recursive: true });
      await symlink(sub, link);
    }
    return { nqn, portId };
  }

  /** A port listening on (trtype, address, port), reused across resources like LINSTOR does. */
  private async ensurePort(t: TargetSpec): Promise<number> {
    const portsDir = join(this.nvmet, 'ports');
    await mkdir(portsDir, { recursive: true });
    const ids = (await readdir(portsDir)).map(Number).filter((n) => Number.isInteger(n)).sort((a, b) => a - b);
    for (const id of ids) {
      const p = join(portsDir, String(id));
      if ((await readAttr(join(p, 'addr_traddr'))) === t.address && (await readAttr(join(p, 'addr_trsvcid'))) === String(t.port)
        && (await readAttr(join(p, 'addr_trtype'))) === t.trType) return id;
    }
    const id = ids.length ? ids[ids.length - 1]! + 1 : 1;
    const p = join(portsDir, String(id));
    await mkdir(p, { recursive: true });
    await writeFile(join(p, 'addr_trtype'), t.trType);
    await writeFile(join(p, 'addr_adrfam'), t.adrfam);
    await writeFile(join(p, 'addr_traddr'), t.address);
    await writeFile(join(p, 'addr_trsvcid'), String(t.port));
    return id;
  }

  /** Unlinks the subsystem from every port, disables and removes namespaces, then the subsystem. */
  async unexportResource(rsc: string): Promise<void> {
    const nqn = nqnOf(rsc);
    const portsDir = join(this.nvmet, 'ports');
    for (const id of await list(portsDir)) {
      const link = join(portsDir, id, 'subsystems', nqn);
      if (await exists(link)) await unlink(link);
    }
    const sub = this.subsystemDir(rsc);
    if (!(await exists(sub))) return;
    for (const nsid of await list(join(sub, 'namespaces'))) {
      const ns = join(sub, 'namespaces', nsid);
      await writeFile(join(ns, 'enable'), '0');
      await this.removeDir(ns);
    }
    await this.removeDir(sub);
  }

  async exportedResources(): Promise<string[]> {
    return (await list(join(this.nvmet, 'subsystems'))).filter((n) => n.startsWith(NQN_PREFIX)).map((n) => n.slice(NQN_PREFIX.length));
  }
}

async function readAttr(p: string): Promise<string | undefined> {
  try { return (await readFile(p, 'utf8')).trim(); } catch { return undefined; }
}
async function exists(p: string): Promise<boolean> {
  try { await lstat(p); return true; } catch { return false; }
}
async function list(p: string): Promise<string[]> {
  try { return await readdir(p); } catch { return []; }
}
