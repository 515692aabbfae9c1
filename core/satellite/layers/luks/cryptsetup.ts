/**
 * argv builders for cryptsetup. The passphrase never appears on a command line: every command
 * reads it from stdin (`--key-file -`), which the runner feeds.
 */
export const LUKS2_HEADER_KIB = 16 * 1024;

/** Device-mapper name of a volume's LUKS device: `<resource>_<volume number, 5 digits>` like LINSTOR's volume names. */
export function luksDeviceName(rsc: string, vlmNr: number): string {
  return `${rsc}_${String(vlmNr).padStart(5, '0')}`;
}

export const cryptsetup = {
  /** `-q` answers the "overwrite data?" question; extra args (e.g. --pbkdf pbkdf2) tune the key derivation. */
  luksFormat: (dev: string, extra: readonly string[] = []): string[] => ['cryptsetup', '-q', 'luksFormat', '--type', 'luks2', ...extra, '--key-file', '-', dev],
  /** Exit code 0 when the device carries a LUKS header. */
  isLuks: (dev: string): string[] => ['cryptsetup', 'isLuks', dev],
  /** Checks the passphrase without device-mapper (works here, unlike open). */
  testPassphrase: (dev: string): string[] => ['cryptsetup', 'open', '--test-passphrase', '--key-file', '-', dev],
  open: (dev: string, name: string): string[] => ['cryptsetup', 'open', '--type', 'luks', '--key-file', '-', dev, name],
  close: (name: string): string[] => ['cryptsetup', 'close', name],
  /** Grows the mapping to the (already grown) backing device; LUKS2 needs the key again. */
  resize: (name: string): string[] => ['cryptsetup', 'resize', '--key-file', '-', name],
  /** Exit code 0 when the mapping is active, 4 when it is not. */
  status: (name: string): string[] => ['cryptsetup', 'status', name],
};
