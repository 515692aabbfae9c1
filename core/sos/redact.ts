/**
 * An SOS report leaves the cluster (it goes to a support engineer), so nothing secret may be
 * in it. Three passes, each catching what the others cannot:
 *  - configuration (TOML) and database rows: values under secret-looking key names are replaced;
 *  - every text: the secret values this process knows (passphrases, DRBD shared secrets, LUKS
 *    keys, database and keystore passwords) are masked wherever they appear (logs, command output);
 *  - anything written as `password=...`, `--passphrase ...`, `shared-secret "..."` is masked.
 */
import { parse, stringify } from 'smol-toml';
import { maskSecrets } from '../satellite/errors/redact.js';

export const MASK = '***';

/** Key names whose values are secrets (TOML keys, JSON fields, LINSTOR properties). */
const SECRET_KEY = /pass(word|phrase)?|secret|token|credential|private|(^|[_-])key$|^key$|access_?key|cipher|sealed/i;
/** Keys that merely look secret: their values are names, sizes or paths that help support. */
const NOT_SECRET = /^(key_id|keyId|keystore|truststore|trusted_ca|trusted_certificates|server_certificate)$/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key) && !NOT_SECRET.test(key);
}

/** LINSTOR's documented default keystore password: public, and masking it would mask every "linstor". */
const PUBLIC_DEFAULTS = new Set(['linstor']);

/** Masks known secret values and secret-looking assignments in any text. */
export function scrubText(text: string, known: readonly string[]): string {
  // drbdadm writes `shared-secret "x";`, with a space, not '=': masked here as well.
  // A value masked before (`key = "***"` in a redacted TOML) stays valid TOML when scrubbed again.
  return maskSecrets(text, known.filter((k) => !PUBLIC_DEFAULTS.has(k))).replace(/^(\s*[A-Za-z0-9_.-]+ = )\*\*\*$/gm, `$1"${MASK}"`).replace(/(shared-secret\s+)("[^"]*"|\S+?)(;|\s|$)/g, `$1"${MASK}"$3`);
}

/** A deep copy of `value` with every secret-named field masked (strings in it scrubbed too). */
export function redactJson(value: unknown, known: readonly string[]): unknown {
  if (typeof value === 'string') return scrubText(value, known);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, known));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isSecretKey(k) && v !== null && v !== '' ? MASK : redactJson(v, known)]));
  }
  return value;
}

/**
 * A TOML configuration without its secrets. A file that does not parse is not copied at all
 * (a broken file could hide a secret anywhere): the report says why instead.
 */
export function redactToml(text: string, known: readonly string[]): string {
  let doc: unknown;
  try { doc = parse(text); } catch (e) {
    return `# not included: the file does not parse as TOML (${(e as Error).message.split('\n')[0]})\n`;
  }
  return `# secrets removed by the SOS report\n${stringify(redactJson(doc, known) as Record<string, unknown>)}\n`;
}

/** Every string value under a secret-looking key in a parsed TOML/JSON document, to mask elsewhere. */
export function secretValues(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) secretValues(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (isSecretKey(k) && typeof v === 'string' && v !== '') out.push(v);
      else secretValues(v, out);
    }
  }
  return out;
}
