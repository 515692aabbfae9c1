import { ApiError } from '../../model/errors.js';
import type { Props, ProviderKind } from '../../model/types.js';
import { lvmThinSnapshotArgv as snap } from './lvm-thin-snapshots.js';
import { LvmProvider, type LvRow } from './lvm.js';
import { thinStreamArgv, type NativeStreams } from './native-streams.js';
import { optionWords, parseSnapshotVolumeName, requireProp, snapshotVolumeName, storDriverProp, type PoolCapacity, type ProviderVolume } from './provider.js';

/**
 * LVM_THIN: thin volumes in the thin pool named by StorDriver/StorPoolName = `vg/thinpool`.
 * Capacity is the thin pool's data size and how much of it is used (data_percent).
 */
export class LvmThinProvider extends LvmProvider {
  override readonly kind: ProviderKind = 'LVM_THIN';
  override readonly supportsSnapshots: boolean = true;

  private get parts(): [string, string] {
    const v = requireProp(this.ctx, 'StorPoolName', 'vg0/thinpool');
    const [vg, tp] = v.split('/');
    if (!vg || !tp) {
      throw new ApiError('FAIL_STOR_POOL_CONFIGURATION_ERROR', `StorDriver/StorPoolName '${v}' of pool '${this.pool.name}' is not 'volumegroup/thinpool'.`, {
        correction: 'Set StorDriver/StorPoolName to the volume group and thin pool, e.g. vg0/thinpool.',
      });
    }
    return [vg, tp];
  }
  override get volumeGroup(): string { return this.parts[0]; }
  get thinPool(): string { return this.parts[1]; }

  override async capacity(): Promise<PoolCapacity> {
    const rows = await this.lvs();
    const tp = rows.find((r) => r.name === this.thinPool);
    if (!tp) {
      throw new ApiError('FAIL_STOR_POOL_CONFIGURATION_ERROR', `Thin pool '${this.volumeGroup}/${this.thinPool}' not found.`, {
        correction: `Create it (lvcreate -L SIZE -T ${this.volumeGroup}/${this.thinPool}) or fix StorDriver/StorPoolName.`,
      });
    }
    return { totalCapacityKib: tp.sizeKib, freeCapacityKib: Math.floor(tp.sizeKib * (1 - tp.dataPercent / 100)) };
  }

  override lvcreateArgv(name: string, sizeKib: number, volumeProps: Props = {}): string[] {
    const opts = optionWords(volumeProps['StorDriver/LvcreateOptions'] ?? storDriverProp(this.ctx, 'LvcreateOptions'));
    return ['lvcreate', '--virtualsize', `${sizeKib}k`, '--thinpool', this.thinPool, '-n', name, '-y', ...this.activationWords(), ...opts, this.volumeGroup];
  }

  protected override isOurs(lv: LvRow): boolean {
    return lv.poolLv === this.thinPool;
  }

  protected override toVolume(lv: LvRow): ProviderVolume {
    return { ...super.toVolume(lv), allocatedSizeKib: Math.floor(lv.sizeKib * lv.dataPercent / 100) };
  }

  // ---- Snapshots: `lvcreate --snapshot` of thin volumes (command construction + recorded outputs). ----
  async createSnapshot(volume: string, snapshot: string): Promise<void> {
    if ((await this.listSnapshots()).some((s) => s.volume === volume && s.snapshot === snapshot)) return;
    await this.run(snap.create(this.volumeGroup, volume, snapshot));
  }

  async deleteSnapshot(volume: string, snapshot: string): Promise<void> {
    if (!(await this.listSnapshots()).some((s) => s.volume === volume && s.snapshot === snapshot)) return;
    await this.run(snap.delete(this.volumeGroup, volume, snapshot));
  }

  async listSnapshots(): Promise<Array<{ volume: string; snapshot: string }>> {
    return (await this.lvs()).filter((lv) => lv.poolLv === this.thinPool)
      .map((lv) => parseSnapshotVolumeName(lv.name)).filter((x): x is { volume: string; snapshot: string } => x !== undefined);
  }

  override async restoreSnapshot(source: string, snapshot: string, target: string): Promise<void> {
    if (await this.findLv(target)) return;
    for (const argv of snap.restore(this.volumeGroup, source, snapshot, target)) await this.run(argv);
  }

  async rollbackSnapshot(volume: string, snapshot: string): Promise<void> {
    for (const argv of snap.rollback(this.volumeGroup, volume, snapshot)) await this.run(argv);
  }

  /** Backups: LINBIT's `thin_send` / `thin_recv` (LINSTOR's commands). */
  nativeStreams(): NativeStreams {
    return {
      family: 'thin', runner: this.ctx.runner,
      send: (volume, snapshot, base) => thinStreamArgv.send(this.volumeGroup, volume, snapshot, base),
      receive: (volume, snapshot, sizeKib, count) => thinStreamArgv.receive(this.volumeGroup, this.thinPool, volume, snapshot, sizeKib, count),
      exists: async (volume, snapshot) => !!(await this.findLv(volume)) || !!(await this.findLv(snapshotVolumeName(volume, snapshot))),
      sizeBytes: async (volume) => ((await this.findLv(volume))?.sizeKib ?? 0) * 1024,
    };
  }
}
