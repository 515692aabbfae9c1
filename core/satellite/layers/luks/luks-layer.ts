import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { ApiError } from '../../../model/errors.js';
import type { DesiredResource, DesiredVolume } from '../../../model/satellite-protocol.js';
import type { LayerKind } from '../../../model/types.js';
import type { CommandRunner } from '../../../exec/index.js';
import type { Support } from '../../providers/provider.js';
import type { Layer, LayerApplyInput, LayerInput, LayerResult, LayerVolume } from '../layer.js';
import { cryptsetup, LUKS2_HEADER_KIB, luksDeviceName } from './cryptsetup.js';

export interface LuksLayerOptions {
  runner: CommandRunner;
  log?: Logger;
  /** device-mapper is missing (containers, CI): format for real, but only record open/close/resize. */
  dryRun: boolean;
  /** Extra luksFormat arguments, e.g. ['--pbkdf', 'pbkdf2'] (tests use a cheap key derivation). */
  formatArgs?: string[];
  /** Where the kernel lists its misc devices; device-mapper shows up there once dm_mod is loaded (tests point it elsewhere). */
  procMisc?: string;
}

/** Said by every dry-run answer of this layer: the header is real, the mapping is not. */
export const LUKS_DRY_RUN_NOTE = 'LUKS dry run: luksFormat ran for real; open/close/resize were recorded, not run (no device-mapper).';

/** Whether the kernel's device-mapper driver is loaded (cryptsetup open needs it). */
export async function deviceMapperLoaded(procMisc = '/proc/misc'): Promise<boolean> {
  const text = await readFile(procMisc, 'utf8').catch(() => '');
  return /\bdevice-mapper\b/.test(text);
}

/** The passphrase of one volume, decrypted by the controller from the master passphrase. */
export function volumeKey(rsc: DesiredResource, v: DesiredVolume): string {
  const key = v.luks?.key;
  if (!key) {
    throw new ApiError('FAIL_UNKNOWN_ERROR', `No encryption key for volume ${v.volumeNumber} of '${rsc.name}'.`, {
      cause: 'The controller sends volume keys only after the master passphrase was entered.',
      correction: "Run 'linstor encryption enter-passphrase' (or set MASTER_PASSPHRASE) on the controller.",
    });
  }
  return key;
}

/**
 * LUKS: formats the device below once (a LUKS header found means "already done"), opens it as
 * /dev/mapper/<rsc>_<vlm>. Formatting reads the key from stdin; no key is ever on a command line.
 */
export class LuksLayer implements Layer {
  readonly kind: LayerKind = 'LUKS';
  /** Commands recorded instead of run (dry run), per resource. */
  readonly plans = new Map<string, string[][]>();

  constructor(private readonly opts: LuksLayerOptions) {}

  async supported(): Promise<Support> {
    try {
      await this.opts.runner.run(['cryptsetup', '--version'], { quiet: true, timeoutMs: 10_000 });
    } catch {
      return { supported: false, reasons: ["'cryptsetup' not found (install cryptsetup)"] };
    }
    if (this.opts.dryRun) return { supported: true, reasons: [LUKS_DRY_RUN_NOTE] };
    // Without device-mapper `cryptsetup open` fails on every volume: say so up front, so the
    // controller refuses LUKS resources here instead of formatting disks it can never open.
    if (!(await deviceMapperLoaded(this.opts.procMisc))) {
      return { supported: false, reasons: ["the kernel's device-mapper driver is not loaded (no 'device-mapper' in /proc/misc), so 'cryptsetup open' cannot create /dev/mapper devices; load dm_mod (dm-crypt), or run the satellite with --drbd-dry-run to record the open for tests"] };
    }
    return { supported: true, reasons: [] };
  }

  lowerSizeKib(_r: DesiredResource, _v: DesiredVolume, usableKib: number): number {
    return usableKib + LUKS2_HEADER_KIB;
  }

  async apply({ resource, lower }: LayerApplyInput): Promise<LayerResult> {
    const volumes = new Map<number, LayerVolume>();
    const plan: string[][] = [];
    for (const v of resource.volumes) {
      const below = lower.get(v.volumeNumber);
      if (!below?.devicePath) {
        volumes.set(v.volumeNumber, { volumeNumber: v.volumeNumber, diskState: below?.diskState ?? 'Diskless' });
        continue;
      }
      const key = volumeKey(resource, v);
      const dev = below.devicePath;
      const isLuks = await this.opts.runner.run(cryptsetup.isLuks(dev), { okExitCodes: [0, 1], quiet: true });
      if (isLuks.exitCode !== 0) await this.opts.runner.run(cryptsetup.luksFormat(dev, this.opts.formatArgs), { input: key });
      const name = luksDeviceName(resource.name, v.volumeNumber);
      if (!(await this.isOpen(name, plan))) await this.dm(cryptsetup.open(dev, name), key, plan);
      volumes.set(v.volumeNumber, {
        volumeNumber: v.volumeNumber,
        devicePath: `/dev/mapper/${name}`,
        backingDevice: dev,
        allocatedSizeKib: below.allocatedSizeKib,
        usableSizeKib: below.usableSizeKib !== undefined ? below.usableSizeKib - LUKS2_HEADER_KIB : undefined,
        diskState: below.diskState,
      });
    }
    if (this.opts.dryRun) {
      this.plans.set(resource.name, plan);
      return { volumes, dryRun: true, plan: [`# ${LUKS_DRY_RUN_NOTE}`, ...plan.map((a) => a.join(' '))] };
    }
    return { volumes };
  }

  async resize(rsc: DesiredResource, vlmNr: number): Promise<void> {
    const v = rsc.volumes.find((x) => x.volumeNumber === vlmNr);
    if (!v) return;
    await this.dm(cryptsetup.resize(luksDeviceName(rsc.name, vlmNr)), volumeKey(rsc, v), this.planOf(rsc.name));
  }

  /** Inactive: the mappings close (the LUKS header and data stay), as on removal. */
  async deactivate({ resource, state }: LayerInput): Promise<void> {
    await this.remove(resource.name, state);
  }

  async remove(resourceName: string, state: { resources: DesiredResource[] }): Promise<void> {
    const rsc = state.resources.find((r) => r.name === resourceName);
    const plan = this.planOf(resourceName);
    for (const v of rsc?.volumes ?? []) {
      const name = luksDeviceName(resourceName, v.volumeNumber);
      // A dry run cannot ask device-mapper whether the mapping is open: it records the close it would do.
      if (this.opts.dryRun || (await this.isOpen(name, plan))) await this.dm(cryptsetup.close(name), undefined, plan);
    }
  }

  private planOf(rsc: string): string[][] {
    let p = this.plans.get(rsc);
    if (!p) this.plans.set(rsc, (p = []));
    return p;
  }

  private async isOpen(name: string, plan: string[][]): Promise<boolean> {
    if (this.opts.dryRun) {
      plan.push(cryptsetup.status(name));
      return false;
    }
    const r = await this.opts.runner.run(cryptsetup.status(name), { okExitCodes: [0, 4], quiet: true });
    return r.exitCode === 0;
  }

  /** device-mapper commands: recorded in dry-run mode, run otherwise (key on stdin). */
  private async dm(argv: string[], key: string | undefined, plan: string[][]): Promise<void> {
    if (this.opts.dryRun) {
      plan.push(argv);
      this.opts.log?.info({ cmd: argv.join(' ') }, 'LUKS dry run: command recorded');
      return;
    }
    await this.opts.runner.run(argv, key !== undefined ? { input: key } : {});
  }
}
