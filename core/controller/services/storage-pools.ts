import { ApiError } from '../../model/errors.js';
import { nameKey, printable } from '../../model/names.js';
import { PROVIDER_KINDS, type Props, type ProviderKind, type Resource, type StoragePool } from '../../model/types.js';
import { FILE_DIR_KEY, fileDirProblem } from '../../props/file-dir.js';
import type { ClusterState } from '../state/cluster-state.js';
import { volumeStoragePool } from '../state/volume-pool.js';


export function checkProviderKind(v: unknown): ProviderKind {
  const up = typeof v === 'string' ? v.toUpperCase() : '';
  if (!(PROVIDER_KINDS as readonly string[]).includes(up)) {
    throw new ApiError('FAIL_INVLD_PROVIDER', `Storage provider kind '${printable(v)}' is invalid.`, {
      cause: 'The provider_kind is missing or not one this controller supports.',
      correction: `Use one of ${PROVIDER_KINDS.join(', ')}.`, obj: 'STOR_POOL', op: 'CRT',
    });
  }
  return up as ProviderKind;
}

// What a backing name may contain before it reaches lvcreate/zfs on a satellite: LVM's
// VG/LV charset and ZFS dataset names; no leading '-', so it can never read as an option.
const LVM_NAME = /^[A-Za-z0-9+_.][A-Za-z0-9+_.-]{0,126}$/;
const ZFS_NAME = /^[A-Za-z0-9_.:][A-Za-z0-9_.:-]*(\/[A-Za-z0-9_.:][A-Za-z0-9_.:-]*)*$/;

function driverError(kind: ProviderKind, key: string, value: string | undefined, why: string, example: string): ApiError {
  return new ApiError('FAIL_STOR_POOL_CONFIGURATION_ERROR',
    value === undefined
      ? `A ${kind} storage pool needs the property '${key}'.`
      : `The value '${printable(value)}' of '${key}' is invalid for a ${kind} storage pool.`,
    { cause: why, correction: `Set ${key}, e.g. "${key}": "${example}" (linstor storage-pool create ${kind.toLowerCase().replace('_', '')} NODE POOL ${example}).`, obj: 'STOR_POOL', op: 'CRT' });
}

/**
 * Checks the driver props a provider kind needs (pool props over node props, as the
 * satellite reads them): LVM a volume group, LVM_THIN `vg/thinpool`, ZFS(_THIN) a zpool or
 * dataset, FILE(_THIN) an absolute directory. Values are restricted to safe characters.
 */
export function checkDriverProps(kind: ProviderKind, poolProps: Props, nodeProps: Props): void {
  const get = (k: string): string | undefined => poolProps[k] ?? nodeProps[k];
  const SPN = 'StorDriver/StorPoolName';
  switch (kind) {
    case 'DISKLESS': return;
    case 'LVM': {
      const v = get(SPN);
      if (v === undefined || !LVM_NAME.test(v)) throw driverError(kind, SPN, v, 'The volume group that holds the volumes must be named.', 'vg0');
      return;
    }
    case 'LVM_THIN': {
      const v = get(SPN);
      const parts = v?.split('/') ?? [];
      if (v === undefined || parts.length !== 2 || !parts.every((p) => LVM_NAME.test(p))) {
        throw driverError(kind, SPN, v, 'The thin pool must be given as volumegroup/thinpool.', 'vg0/thinpool');
      }
      return;
    }
    case 'ZFS': case 'ZFS_THIN': {
      const v = get(SPN);
      if (v === undefined || !ZFS_NAME.test(v) || v.length > 255) throw driverError(kind, SPN, v, 'The zpool (or dataset) that holds the zvols must be named.', 'tank');
      return;
    }
    case 'FILE': case 'FILE_THIN': {
      const v = get(FILE_DIR_KEY);
      const problem = v === undefined ? undefined : fileDirProblem(v);
      if (v === undefined || problem) {
        throw driverError(kind, FILE_DIR_KEY, v, problem ? `File pools keep their backing files in a folder of their own: ${problem}.`
          : 'File pools keep their backing files in an absolute directory on the node.', '/var/lib/linstor-pools/pool1');
      }
      return;
    }
  }
}

/** The storage pool of each volume of a resource (see volumeStoragePool: recorded, else resolved). */
export function volumePools(state: ClusterState, rsc: Resource): Array<{ volumeNumber: number; pool: string }> {
  const rd = state.resourceDefinitions.get(nameKey(rsc.name));
  if (!rd) return [];
  return rd.volumeDefinitions.map((vd) => ({ volumeNumber: vd.volumeNumber, pool: volumeStoragePool(state, rsc, rd, vd) }));
}

/** Volumes on the pool's node whose resolved storage pool is this pool. */
export function volumesUsingPool(state: ClusterState, sp: StoragePool): Array<{ resource: string; volumeNumber: number }> {
  const node = nameKey(sp.nodeName);
  const out: Array<{ resource: string; volumeNumber: number }> = [];
  for (const r of state.resources.values()) {
    if (nameKey(r.nodeName) !== node) continue;
    for (const v of volumePools(state, r)) if (nameKey(v.pool) === nameKey(sp.name)) out.push({ resource: r.name, volumeNumber: v.volumeNumber });
  }
  return out;
}
