/** ZFS: `<dataset>/<volume>@<snapshot>`; restore is `zfs clone`, rollback `zfs rollback`. */
export const zfsSnapshotArgv = {
  create: (ds: string, volume: string, snapshot: string): string[] => ['zfs', 'snapshot', `${ds}/${volume}@${snapshot}`],
  delete: (ds: string, volume: string, snapshot: string): string[] => ['zfs', 'destroy', `${ds}/${volume}@${snapshot}`],
  list: (ds: string): string[] => ['zfs', 'list', '-H', '-o', 'name', '-t', 'snapshot', '-r', ds],
  restore: (ds: string, source: string, snapshot: string, target: string): string[] =>
    ['zfs', 'clone', `${ds}/${source}@${snapshot}`, `${ds}/${target}`],
  /** `-r` would destroy newer snapshots: the controller only allows the most recent one anyway. */
  rollback: (ds: string, volume: string, snapshot: string): string[] => ['zfs', 'rollback', `${ds}/${volume}@${snapshot}`],
};

export function parseZfsSnapshots(stdout: string, ds: string): Array<{ volume: string; snapshot: string }> {
  const out: Array<{ volume: string; snapshot: string }> = [];
  for (const line of stdout.split('\n')) {
    const full = line.trim();
    if (!full.startsWith(ds + '/')) continue;
    const [volume, snapshot] = full.slice(ds.length + 1).split('@');
    if (volume && snapshot && !volume.includes('/')) out.push({ volume, snapshot });
  }
  return out;
}
