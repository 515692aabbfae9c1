/**
 * argv builders for drbdadm. Every command names its config file with `-c`, so the layer works
 * with any resource-file folder (not only the /etc/drbd.conf include of /var/lib/linstor.d), and
 * `-d` (dry run) makes drbdadm print the drbdsetup/drbdmeta calls instead of running them.
 */
export interface DrbdadmTarget {
  configFile: string;
  dryRun: boolean;
}

function base(t: DrbdadmTarget): string[] {
  return ['drbdadm', '-c', t.configFile, ...(t.dryRun ? ['-d'] : [])];
}

export const drbdadm = {
  /** Parses the file and prints it back; exit code != 0 means drbdadm rejects the file. */
  dump: (t: DrbdadmTarget, rsc: string): string[] => ['drbdadm', '-c', t.configFile, 'dump', rsc],
  /** `--force` skips the "really overwrite?" prompt; max-peers reserves bitmap slots for future peers. */
  createMd: (t: DrbdadmTarget, rsc: string, vlm: number, maxPeers: number, al?: { stripes?: number; stripeSizeKib?: number }): string[] => [
    ...base(t), `--max-peers=${maxPeers}`, 'create-md', '--force',
    ...(al?.stripes ? [`--al-stripes=${al.stripes}`] : []), ...(al?.stripeSizeKib ? [`--al-stripe-size-kB=${al.stripeSizeKib}`] : []),
    `${rsc}/${vlm}`,
  ],
  /** Reads the generation identifiers from the metadata; fails when there is no metadata yet. */
  getGi: (t: DrbdadmTarget, rsc: string, vlm: number): string[] => ['drbdadm', '-c', t.configFile, 'get-gi', `${rsc}/${vlm}`],
  /** Skips the initial full sync of a new thin volume: every peer starts from the same (zeroed) data. */
  newCurrentUuidClearBitmap: (t: DrbdadmTarget, rsc: string, vlm: number): string[] => [...base(t), 'new-current-uuid', '--clear-bitmap', `${rsc}/${vlm}`],
  adjust: (t: DrbdadmTarget, rsc: string): string[] => [...base(t), 'adjust', rsc],
  up: (t: DrbdadmTarget, rsc: string): string[] => [...base(t), 'up', rsc],
  down: (t: DrbdadmTarget, rsc: string): string[] => [...base(t), 'down', rsc],
  primary: (t: DrbdadmTarget, rsc: string, force = false): string[] => [...base(t), 'primary', ...(force ? ['--force'] : []), rsc],
  secondary: (t: DrbdadmTarget, rsc: string): string[] => [...base(t), 'secondary', rsc],
  /** `--assume-clean` for thin volumes: the new area reads as zeroes everywhere, no resync needed. */
  resize: (t: DrbdadmTarget, rsc: string, vlm: number, assumeClean = false): string[] => [
    ...base(t), 'resize', ...(assumeClean ? ['--assume-clean'] : []), `${rsc}/${vlm}`,
  ],
  /** Disconnects and forgets one peer; adjust does the same when the peer left the .res file. */
  delPeer: (t: DrbdadmTarget, rsc: string, peerHost: string): string[] => [...base(t), 'del-peer', `${rsc}:${peerHost}`],
};

/**
 * The plan drbdadm -d printed: one drbdsetup/drbdmeta command per line. drbd-utils without a
 * kernel module also prints `modinfo` noise on stderr, which is not part of the plan.
 */
export function parseDryRunPlan(stdout: string): string[] {
  return stdout.split('\n').map((l) => l.trim()).filter((l) => /^(drbdsetup|drbdmeta|drbdadm|drbd-proxy-ctl)\b/.test(l));
}
