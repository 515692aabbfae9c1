/**
 * Secrets never reach an error report: the values the satellite knows are secret (LUKS
 * passphrases, DRBD shared secrets of the resource) are masked wherever they appear, and so is
 * anything written as `password=...`, `--passphrase ...` and the like.
 */
const MASK = '***';
const SECRET_WORD = 'pass(?:word|phrase)?|secret|token|credential|shared-secret|key-file';

export function maskSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const s of [...new Set(known)].filter((k) => k.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
  out = out.replace(new RegExp(`((?:${SECRET_WORD})\\s*[=:]\\s*)("[^"]*"|'[^']*'|\\S+)`, 'gi'), `$1${MASK}`);
  out = out.replace(new RegExp(`(--(?:${SECRET_WORD})(?:\\s+|=))(?!-)("[^"]*"|'[^']*'|\\S+)`, 'gi'), `$1${MASK}`);
  return out;
}
