import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import { QOS_KINDS, type QosKind, type VolumeQos } from '../../model/qos.js';
import type { DesiredResource, ReportedResource } from '../../model/satellite-protocol.js';
import { locateThrottleFiles, type ThrottleFiles } from './cgroup-files.js';
import { deviceNumber } from '../reconciler/device-in-use.js';

export interface QosVolume {
  volumeNumber: number;
  /** The volume's backing device here; undefined: it has none (yet). */
  device?: string;
  qos?: VolumeQos;
}

/**
 * Applies the QoS limits of a resource's volumes to their backing devices, as linstor-server's
 * SysFsHandler does: the lowest device of each volume that exists here (the storage layer's
 * data device; an NVMe initiator's or a diskless DRBD client's own device when there is no
 * storage below). Each apply compares the cgroup files with the wanted limits and writes only
 * the difference, so a limit set while the satellite was down, or changed behind its back, is
 * put right too. A limit removed, a volume or resource gone, a device that changed: `MAJ:MIN 0`
 * (cgroup v2: `max`) for the device it was set on.
 */
export class QosThrottler {
  private files: ThrottleFiles | undefined;
  /** Resource → volume number → the device (MAJ:MIN) limits were set on. */
  private readonly applied = new Map<string, Map<number, string>>();

  constructor(private readonly cgroupRoot: string, private readonly log: Logger) {}

  /** Brings the limits of `resource` to what its volumes want; throws when a wanted limit cannot be set. */
  apply(resource: string, volumes: QosVolume[]): void {
    const before = this.applied.get(resource) ?? new Map<number, string>();
    const after = new Map<number, string>();
    for (const v of volumes) {
      const majMin = v.device ? deviceNumber(v.device) : undefined;
      const old = before.get(v.volumeNumber);
      if (old !== undefined && old !== majMin) this.clearDevice(old);
      if (majMin === undefined) continue;
      const files = this.target(v.qos !== undefined || old !== undefined);
      if (!files) continue;
      for (const kind of QOS_KINDS) this.converge(files, majMin, kind, v.qos?.[kind]);
      if (v.qos) after.set(v.volumeNumber, majMin);
    }
    for (const [nr, majMin] of before) if (!volumes.some((v) => v.volumeNumber === nr)) this.clearDevice(majMin);
    if (after.size) this.applied.set(resource, after); else this.applied.delete(resource);
  }

  /** The resource goes away here: its devices lose their limits (before the devices are removed). */
  clear(resource: string): void {
    for (const majMin of this.applied.get(resource)?.values() ?? []) this.clearDevice(majMin);
    this.applied.delete(resource);
  }

  private converge(files: ThrottleFiles, majMin: string, kind: QosKind, want: string | undefined): void {
    let have: string | undefined;
    try { have = files.read(majMin, kind); } catch (e) { throw qosError(`cannot read the ${kind} limits in ${files.where}`, e); }
    if (have === '0') have = undefined;
    if (have === want) return;
    try {
      files.write(majMin, kind, want);
      this.log.info({ device: majMin, kind, limit: want ?? null, where: files.where }, want === undefined ? 'QoS limit removed' : 'QoS limit set');
    } catch (e) {
      throw qosError(`cannot set the ${kind} limit of device ${majMin} to ${want ?? 'none'} in ${files.where}`, e);
    }
  }

  private clearDevice(majMin: string): void {
    const files = this.target(false);
    if (!files) return;
    for (const kind of QOS_KINDS) {
      try { this.converge(files, majMin, kind, undefined); } catch (e) { this.log.warn({ err: e, device: majMin }, 'removing a QoS limit failed'); }
    }
  }

  /** The throttle files; when there are none, an error if a limit is wanted, else nothing. */
  private target(needed: boolean): ThrottleFiles | undefined {
    if (this.files) return this.files;
    const found = locateThrottleFiles(this.cgroupRoot);
    if ('unavailable' in found) {
      if (needed) throw new ApiError('FAIL_UNKNOWN_ERROR', `QoS limits cannot be applied: ${found.unavailable}.`, {
        correction: 'Set [qos] cgroup_root in linstor_satellite.toml (or --cgroup-root), or delete the sys/fs/blkio_throttle_* properties.',
      });
      return undefined;
    }
    this.files = found;
    return found;
  }
}

function qosError(what: string, e: unknown): ApiError {
  return new ApiError('FAIL_UNKNOWN_ERROR', `QoS: ${what}: ${(e as Error).message}`, { cause: 'The kernel refused the cgroup throttle file.' });
}

/** Each volume's lowest device here (bottom-most layer that has one) and its wanted limits. */
export function qosVolumes(wanted: DesiredResource, result: ReportedResource): QosVolume[] {
  return wanted.volumes.map((v) => {
    const layers = result.volumes.find((r) => r.volumeNumber === v.volumeNumber)?.layers ?? [];
    const device = [...layers].reverse().map((l) => l.devicePath).find((d) => d !== undefined && deviceNumber(d) !== undefined);
    return { volumeNumber: v.volumeNumber, ...(device ? { device } : {}), ...(v.qos ? { qos: v.qos } : {}) };
  });
}
