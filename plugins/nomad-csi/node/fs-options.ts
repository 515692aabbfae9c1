/**
 * The filesystem parameters of a volume (fsOpts, mountOpts, postMountXfsOpts), checked before
 * they become arguments of mkfs, mount and xfs_io. No shell is involved anyway; these rules
 * stop a parameter from naming other files or running another command: no word may hold a
 * path ('/'), and postMountXfsOpts is one of xfs_io's extent-size settings, not any `-c`
 * command (`chattr +i`, `pwrite` ...).
 */
import { invalid } from '../errors.js';

export interface FsOptions {
  /** Extra mkfs arguments (fsOpts). */
  mkfsArgs: string[];
  /** Extra mount options (mountOpts). */
  mountOptions: string[];
  /** The one xfs_io command run on the mounted filesystem (postMountXfsOpts). */
  xfsIoCommand?: string;
}

const MKFS_WORD = /^[A-Za-z0-9_=.,:+^%-]{1,256}$/;
const MOUNT_OPTION = /^[A-Za-z0-9_=.:+%-]{1,256}$/;
/** Options that would turn the mount into something else than the volume's filesystem. */
const MOUNT_FORBIDDEN = new Set(['bind', 'rbind', 'move', 'remount', 'loop']);
const XFS_IO_COMMAND = /^(extsize|cowextsize) [0-9]{1,12}[kmgKMG]?$/;

export function checkFsOptions(raw: { fsOpts?: string; mountOpts?: string; postMountXfsOpts?: string }): FsOptions {
  const mkfsArgs = (raw.fsOpts ?? '').split(/[ \t]+/).filter(Boolean);
  if (mkfsArgs.length > 64) throw invalid('fsOpts has more than 64 words');
  for (const w of mkfsArgs) {
    if (!MKFS_WORD.test(w)) throw invalid(`fsOpts word '${shown(w)}' is not allowed: mkfs options may not name files or contain '/'`);
  }
  const mountOptions = (raw.mountOpts ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (mountOptions.length > 64) throw invalid('mountOpts has more than 64 options');
  for (const o of mountOptions) {
    if (!MOUNT_OPTION.test(o) || MOUNT_FORBIDDEN.has(o.toLowerCase())) throw invalid(`mountOpts option '${shown(o)}' is not allowed`);
  }
  const xfs = raw.postMountXfsOpts?.trim();
  if (xfs && !XFS_IO_COMMAND.test(xfs)) {
    throw invalid(`postMountXfsOpts '${shown(xfs)}' is not allowed: only 'extsize <size>' or 'cowextsize <size>' (e.g. 'extsize 2m')`);
  }
  return { mkfsArgs, mountOptions, ...(xfs ? { xfsIoCommand: xfs } : {}) };
}

function shown(v: string): string {
  const clean = v.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > 60 ? `${clean.slice(0, 57)}...` : clean;
}
