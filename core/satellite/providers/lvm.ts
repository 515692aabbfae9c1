import { ApiError } from '../../model/errors.js';
import type { Props, ProviderKind } from '../../model/types.js';
import { ExecError } from '../../exec/index.js';
import { BaseProvider } from './base-provider.js';
import {
  optionWords, parseKib, parseVolumeName, requireProp, storDriverProp, type PoolCapacity, type ProviderVolume, type Support,
} from './provider.js';

/** Columns LINSTOR's LvmUtils asks lvs for, in KiB without suffix so they parse as numbers. */
export const LVS_COLUMNS = 'lv_name,lv_path,lv_size,vg_name,pool_lv,data_percent,lv_attr';
const REPORT_OPTS = ['--separator', ';', '--noheadings', '--units', 'k', '--nosuffix'];

/**
 * LVM: each volume is a logical volume in the volume group named by StorDriver/StorPoolName,
 * device /dev/<vg>/<name>. lvcreate honours StorDriver/LvcreateOptions.
 */
export class LvmProvider extends BaseProvider<LvRow> {
  readonly kind: ProviderKind = 'LVM';

  /** `vg` for LVM; LVM_THIN overrides to split `vg/thinpool`. */
  get volumeGroup(): string { return requireProp(this.ctx, 'StorPoolName', 'vg0'); }

  async supported(): Promise<Support> {
    try {
      await this.ctx.runner.run(['lvm', 'version'], { quiet: true, timeoutMs: 10_000 });
      return { supported: true, reasons: [] };
    } catch (e) {
      return { supported: false, reasons: [e instanceof ExecError && e.exitCode !== -1 ? `'lvm version' failed: ${e.stderr.trim()}` : "'lvm' utility not found (install lvm2)"] };
    }
  }

  async capacity(): Promise<PoolCapacity> {
    const { stdout } = await this.run(['vgs', '-o', 'vg_name,vg_extent_size,vg_size,vg_free', ...REPORT_OPTS, this.volumeGroup], true);
    const cols = stdout.trim().split(';');
    return { totalCapacityKib: parseKib(cols[2]), freeCapacityKib: parseKib(cols[3]) };
  }

  async listVolumes(): Promise<ProviderVolume[]> {
    return (await this.lvs()).filter((lv) => parseVolumeName(lv.name) && this.isOurs(lv)).map((lv) => this.toVolume(lv));
  }

  protected find(name: string): Promise<LvRow | undefined> { return this.findLv(name); }
  protected async createEmpty(name: string, sizeKib: number, volumeProps: Props): Promise<void> {
    await this.run(this.lvcreateArgv(name, sizeKib, volumeProps));
  }
  protected sizeKibOf(lv: LvRow): number { return lv.sizeKib; }
  protected describe(name: string): string { return `logical volume '${this.volumeGroup}/${name}'`; }
  protected async activate(name: string, lv: LvRow): Promise<ProviderVolume> {
    // Inactive: made (or last used) by another node of a shared space, or deactivated here (INACTIVE).
    if (!isActive(lv)) await this.run(['lvchange', '--activate', this.pool.sharedSpace !== undefined ? this.sharedActivation : 'y', `${this.volumeGroup}/${name}`]);
    await this.waitForDevice(this.deviceOf(name));
    return this.toVolume({ ...lv, attr: activated(lv.attr) });
  }

  /**
   * Shared pools (`--shared-space`): under lvmlockd a volume is active on one node at a time
   * (`ey`, exclusive lock); with external locking (cLVM, a cluster manager) plain `y`.
   */
  protected get sharedActivation(): string {
    return this.pool.externalLocking ? 'y' : 'ey';
  }

  /** lvcreate words for the pool's locking: none unless shared. */
  protected activationWords(): string[] {
    return this.pool.sharedSpace !== undefined ? ['--activate', this.sharedActivation] : [];
  }

  lvcreateArgv(name: string, sizeKib: number, volumeProps: Props = {}): string[] {
    const opts = optionWords(volumeProps['StorDriver/LvcreateOptions'] ?? storDriverProp(this.ctx, 'LvcreateOptions'));
    // --wipesignatures: a reused extent must not show the old filesystem to the layer above.
    return ['lvcreate', '--size', `${sizeKib}k`, '-n', name, '-y', '--wipesignatures', 'y', ...this.activationWords(), ...opts, this.volumeGroup];
  }

  /** Shared pools: the volume stays for the other nodes; this node only lets go of it. */
  async release(name: string): Promise<void> {
    const lv = await this.findLv(name);
    if (lv && isActive(lv)) await this.run(['lvchange', '--activate', 'n', `${this.volumeGroup}/${name}`]);
  }

  async resize(name: string, sizeKib: number): Promise<ProviderVolume> {
    const lv = await this.findLv(name);
    if (!lv) throw new ApiError('FAIL_NOT_FOUND_VLM', `Logical volume '${this.volumeGroup}/${name}' does not exist.`);
    if (lv.sizeKib >= sizeKib) return this.toVolume(lv);
    await this.run(['lvresize', '--size', `${sizeKib}k`, `${this.volumeGroup}/${name}`]);
    return this.toVolume((await this.findLv(name)) ?? lv);
  }

  async delete(name: string): Promise<void> {
    if (!(await this.findLv(name))) return;
    await this.run(['lvremove', '-f', `${this.volumeGroup}/${name}`]);
  }

  async devicePath(name: string): Promise<string | undefined> {
    return (await this.findLv(name)) ? this.deviceOf(name) : undefined;
  }

  protected deviceOf(name: string): string {
    return `/dev/${this.volumeGroup}/${name}`;
  }

  protected isOurs(lv: LvRow): boolean {
    return lv.poolLv === '';
  }

  /** An inactive volume has no device node: it offers no path, so the storage layer activates it. */
  protected toVolume(lv: LvRow): ProviderVolume {
    return { name: lv.name, devicePath: isActive(lv) ? lv.path || this.deviceOf(lv.name) : undefined, allocatedSizeKib: lv.sizeKib, usableSizeKib: lv.sizeKib };
  }

  protected async findLv(name: string): Promise<LvRow | undefined> {
    return (await this.lvs()).find((lv) => lv.name === name && this.isOurs(lv));
  }

  protected async lvs(): Promise<LvRow[]> {
    const { stdout } = await this.run(['lvs', '-o', LVS_COLUMNS, ...REPORT_OPTS, this.volumeGroup], true);
    return parseLvs(stdout);
  }
}

export interface LvRow {
  name: string;
  path: string;
  sizeKib: number;
  vg: string;
  poolLv: string;
  dataPercent: number;
  attr: string;
}

/** lv_attr's fifth character is the state: 'a' active. */
export function isActive(lv: LvRow): boolean {
  return lv.attr[4] === 'a';
}

/** The attributes of `attr` once the volume is active. */
function activated(attr: string): string {
  return attr.length >= 5 ? `${attr.slice(0, 4)}a${attr.slice(5)}` : attr;
}

/** Parses `lvs` output with LVS_COLUMNS, `;`-separated, as the real tool prints it. */
export function parseLvs(stdout: string): LvRow[] {
  return stdout.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => {
    const c = l.split(';').map((x) => x.trim());
    return { name: c[0]!, path: c[1] ?? '', sizeKib: parseKib(c[2]), vg: c[3] ?? '', poolLv: c[4] ?? '', dataPercent: Number.parseFloat(c[5] ?? '') || 0, attr: c[6] ?? '' };
  });
}
