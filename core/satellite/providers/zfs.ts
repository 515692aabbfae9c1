import { existsSync } from 'node:fs';
import { ApiError } from '../../model/errors.js';
import type { Props, ProviderKind } from '../../model/types.js';
import { BaseProvider } from './base-provider.js';
import {
  optionWords, parseVolumeName, requireProp, roundUp, storDriverProp, type PoolCapacity, type ProviderVolume, type Support,
} from './provider.js';
import { parseZfsSnapshots, zfsSnapshotArgv as snap } from './zfs-snapshots.js';
import { zfsStreamArgv, type NativeStreams } from './native-streams.js';

/** zvol sizes must be a multiple of volblocksize (8K before OpenZFS 2.2, 16K after): 16K fits both. */
export const ZVOL_GRANULARITY_KIB = 16;

/**
 * ZFS: each volume is a zvol `<StorPoolName>/<name>` (thick: refreservation = size),
 * device /dev/zvol/<StorPoolName>/<name>. zfs create honours StorDriver/ZfscreateOptions.
 */
export class ZfsProvider extends BaseProvider<ZvolRow> {
  readonly kind: ProviderKind = 'ZFS';
  override readonly supportsSnapshots: boolean = true;
  protected readonly sparse: boolean = false;

  get dataset(): string { return requireProp(this.ctx, 'StorPoolName', 'tank/linstor'); }

  async supported(): Promise<Support> {
    const reasons: string[] = [];
    if (!existsSync('/sys/module/zfs')) reasons.push('ZFS kernel module not loaded (/sys/module/zfs missing)');
    try {
      await this.ctx.runner.run(['zfs', 'version'], { quiet: true, timeoutMs: 10_000 });
    } catch {
      reasons.push("'zfs' utility not found or not working (install zfsutils-linux)");
    }
    return { supported: reasons.length === 0, reasons };
  }

  async capacity(): Promise<PoolCapacity> {
    const { stdout } = await this.run(['zfs', 'get', '-H', '-p', '-o', 'property,value', 'available,used', this.dataset], true);
    const v: Record<string, number> = {};
    for (const line of stdout.trim().split('\n')) {
      const [prop, value] = line.split('\t');
      if (prop) v[prop] = Number(value);
    }
    const free = Math.floor((v['available'] ?? 0) / 1024);
    return { freeCapacityKib: free, totalCapacityKib: free + Math.floor((v['used'] ?? 0) / 1024) };
  }

  async listVolumes(): Promise<ProviderVolume[]> {
    return (await this.zvols()).filter((z) => parseVolumeName(z.name)).map((z) => this.toVolume(z));
  }

  protected async createEmpty(name: string, sizeKib: number, volumeProps: Props): Promise<void> {
    await this.run(this.createArgv(name, sizeKib, volumeProps));
  }
  protected sizeKibOf(z: ZvolRow): number { return z.volsizeKib; }
  protected describe(name: string): string { return `ZFS volume '${this.dataset}/${name}'`; }
  protected async activate(name: string, z: ZvolRow): Promise<ProviderVolume> {
    await this.waitForDevice(this.deviceOf(name));
    return this.toVolume(z);
  }

  createArgv(name: string, sizeKib: number, volumeProps: Props = {}): string[] {
    const opts = optionWords(volumeProps['StorDriver/ZfscreateOptions'] ?? storDriverProp(this.ctx, 'ZfscreateOptions'));
    const size = `${roundUp(sizeKib, ZVOL_GRANULARITY_KIB)}K`;
    return ['zfs', 'create', ...(this.sparse ? ['-s'] : []), '-V', size, ...opts, `${this.dataset}/${name}`];
  }

  async resize(name: string, sizeKib: number): Promise<ProviderVolume> {
    const z = await this.find(name);
    if (!z) throw new ApiError('FAIL_NOT_FOUND_VLM', `ZFS volume '${this.dataset}/${name}' does not exist.`);
    if (z.volsizeKib >= sizeKib) return this.toVolume(z);
    await this.run(['zfs', 'set', `volsize=${roundUp(sizeKib, ZVOL_GRANULARITY_KIB)}K`, `${this.dataset}/${name}`]);
    return this.toVolume((await this.find(name)) ?? z);
  }

  async delete(name: string): Promise<void> {
    if (!(await this.find(name))) return;
    await this.run(['zfs', 'destroy', '-r', `${this.dataset}/${name}`]);
  }

  async devicePath(name: string): Promise<string | undefined> {
    return (await this.find(name)) ? this.deviceOf(name) : undefined;
  }

  // ---- Snapshots: zfs snapshot / clone / rollback (command construction + recorded outputs). ----
  async createSnapshot(volume: string, snapshot: string): Promise<void> {
    if ((await this.listSnapshots()).some((s) => s.volume === volume && s.snapshot === snapshot)) return;
    await this.run(snap.create(this.dataset, volume, snapshot));
  }

  async deleteSnapshot(volume: string, snapshot: string): Promise<void> {
    if (!(await this.listSnapshots()).some((s) => s.volume === volume && s.snapshot === snapshot)) return;
    await this.run(snap.delete(this.dataset, volume, snapshot));
  }

  async listSnapshots(): Promise<Array<{ volume: string; snapshot: string }>> {
    return parseZfsSnapshots((await this.run(snap.list(this.dataset), true)).stdout, this.dataset);
  }

  override async restoreSnapshot(source: string, snapshot: string, target: string): Promise<void> {
    if (await this.find(target)) return;
    await this.run(snap.restore(this.dataset, source, snapshot, target));
  }

  async rollbackSnapshot(volume: string, snapshot: string): Promise<void> {
    await this.run(snap.rollback(this.dataset, volume, snapshot));
  }

  /** Backups: `zfs send` / `zfs receive -F` (LINSTOR's commands). */
  nativeStreams(): NativeStreams {
    const ds = this.dataset;
    return {
      family: 'zfs', runner: this.ctx.runner,
      send: (volume, snapshot, base) => ({ prepare: [], send: zfsStreamArgv.send(ds, volume, snapshot, base) }),
      receive: (volume, snapshot, _sizeKib, count) => zfsStreamArgv.receive(ds, volume, snapshot, count),
      // zfs receive creates the volume itself: an existing one (or snapshot) is never received into.
      exists: async (volume) => !!(await this.find(volume)),
      sizeBytes: async (volume) => ((await this.find(volume))?.volsizeKib ?? 0) * 1024,
    };
  }

  protected deviceOf(name: string): string {
    return `/dev/zvol/${this.dataset}/${name}`;
  }

  protected toVolume(z: ZvolRow): ProviderVolume {
    return { name: z.name, devicePath: this.deviceOf(z.name), usableSizeKib: z.volsizeKib, allocatedSizeKib: z.usedKib };
  }

  protected async find(name: string): Promise<ZvolRow | undefined> {
    return (await this.zvols()).find((z) => z.name === name);
  }

  /** Direct child zvols of the pool's dataset only: `zfs list -r` also shows grandchildren. */
  protected async zvols(): Promise<ZvolRow[]> {
    const { stdout } = await this.run(['zfs', 'list', '-H', '-p', '-o', 'name,used,volsize', '-t', 'volume', '-r', this.dataset], true);
    return parseZfsList(stdout, this.dataset);
  }
}

export interface ZvolRow { name: string; usedKib: number; volsizeKib: number }

export function parseZfsList(stdout: string, dataset: string): ZvolRow[] {
  const rows: ZvolRow[] = [];
  for (const line of stdout.split('\n')) {
    const [full, used, volsize] = line.split('\t');
    if (!full || !full.startsWith(dataset + '/')) continue;
    const name = full.slice(dataset.length + 1);
    if (name.includes('/') || name.includes('@')) continue;
    rows.push({ name, usedKib: Math.floor(Number(used) / 1024), volsizeKib: Math.floor(Number(volsize) / 1024) });
  }
  return rows;
}
