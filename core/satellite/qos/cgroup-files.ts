import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QosKind } from '../../model/qos.js';

/**
 * Where the kernel takes per-device I/O limits, found below the configured cgroup root
 * (`[qos] cgroup_root`, default /sys/fs/cgroup):
 *  - cgroup v1: `<root>/blkio/blkio.throttle.{read,write}_{bps,iops}_device`, or those files in
 *    `<root>` itself when the root names a blkio cgroup (a child group, as the tests use);
 *  - cgroup v2: `<root>/io.max` (only non-root groups have it).
 * Lines are `MAJ:MIN value` (v1) or `MAJ:MIN rbps=.. wbps=.. riops=.. wiops=..` (v2).
 */
export const DEFAULT_CGROUP_ROOT = '/sys/fs/cgroup';

const V1_FILE: Record<QosKind, string> = {
  read: 'blkio.throttle.read_bps_device',
  write: 'blkio.throttle.write_bps_device',
  readIops: 'blkio.throttle.read_iops_device',
  writeIops: 'blkio.throttle.write_iops_device',
};
const V2_FIELD: Record<QosKind, string> = { read: 'rbps', write: 'wbps', readIops: 'riops', writeIops: 'wiops' };

export interface ThrottleFiles {
  /** Where the limits go, for messages. */
  readonly where: string;
  /** The limit set for a device now; undefined: none. */
  read(majMin: string, kind: QosKind): string | undefined;
  /** Sets a limit; undefined removes it. */
  write(majMin: string, kind: QosKind, value: string | undefined): void;
}

/** The throttle files below `root`, or why there are none. */
export function locateThrottleFiles(root: string): ThrottleFiles | { unavailable: string } {
  for (const dir of [join(root, 'blkio'), root]) {
    if (existsSync(join(dir, V1_FILE.write))) return v1Files(dir);
  }
  if (existsSync(join(root, 'io.max'))) return v2File(join(root, 'io.max'));
  if (existsSync(join(root, 'cgroup.controllers'))) {
    return { unavailable: `${root} is a cgroup v2 root, which has no io.max: set [qos] cgroup_root to the cgroup whose I/O is to be limited` };
  }
  return { unavailable: `no blkio throttle files (cgroup v1) and no io.max (cgroup v2) below ${root}` };
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
}

function v1Files(dir: string): ThrottleFiles {
  return {
    where: dir,
    read(majMin, kind) {
      const hit = lines(join(dir, V1_FILE[kind])).map((l) => l.trim().split(/\s+/)).find(([dev]) => dev === majMin);
      return hit?.[1];
    },
    write(majMin, kind, value) {
      // One write per line: the kernel parses one rule per write(2); 0 removes the rule.
      writeFileSync(join(dir, V1_FILE[kind]), `${majMin} ${value ?? '0'}\n`);
    },
  };
}

function v2File(path: string): ThrottleFiles {
  return {
    where: path,
    read(majMin, kind) {
      const line = lines(path).find((l) => l.startsWith(`${majMin} `));
      const v = line?.split(/\s+/).find((f) => f.startsWith(`${V2_FIELD[kind]}=`))?.split('=')[1];
      return v === undefined || v === 'max' ? undefined : v;
    },
    write(majMin, kind, value) {
      writeFileSync(path, `${majMin} ${V2_FIELD[kind]}=${value ?? 'max'}\n`);
    },
  };
}
