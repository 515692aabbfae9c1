import { createCipheriv, createDecipheriv, pbkdf2, randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * The key scheme of LINSTOR's encrypted volumes (§2.1.2 of the guide: PBKDF2, AES, SHA/HMAC),
 * with today's parameters:
 *  - the master passphrase never gets stored; PBKDF2-HMAC-SHA-512 (random 16-byte salt, many
 *    iterations) turns it into a key-encryption key (KEK);
 *  - a random 32-byte master key is stored only sealed under the KEK (AES-256-GCM), so changing
 *    the passphrase re-seals these 32 bytes and nothing else;
 *  - every LUKS volume passphrase is random and stored sealed under the master key
 *    (AES-256-GCM, the row key as associated data so a sealed key cannot be moved to another volume).
 * GCM's tag is the integrity check LINSTOR does with a separate hash: a wrong passphrase fails it.
 */
const pbkdf2Async = promisify(pbkdf2);

export const KDF_ITERATIONS = 210_000;
const KEY_BYTES = 32;
const IV_BYTES = 12;

export interface Sealed {
  cipher: 'AES-256-GCM';
  iv: string;
  tag: string;
  data: string;
}

export interface MasterKeyRecord {
  version: 1;
  kdf: { alg: 'PBKDF2-HMAC-SHA512'; iterations: number; salt: string };
  sealedMasterKey: Sealed;
  /** SHA-512 of the master key, as LINSTOR keeps (cryptHash): tells a wrong passphrase from a corrupt record. */
  masterKeyHash: string;
}

export class WrongPassphraseError extends Error {
  constructor() { super('wrong passphrase'); this.name = 'WrongPassphraseError'; }
}

const b64 = (b: Buffer): string => b.toString('base64');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');

export function seal(key: Buffer, plain: Buffer, aad: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([c.update(plain), c.final()]);
  return { cipher: 'AES-256-GCM', iv: b64(iv), tag: b64(c.getAuthTag()), data: b64(data) };
}

/** Throws WrongPassphraseError when the key (or the associated data) does not match. */
export function unseal(key: Buffer, s: Sealed, aad: string): Buffer {
  try {
    const d = createDecipheriv('aes-256-gcm', key, unb64(s.iv));
    d.setAAD(Buffer.from(aad, 'utf8'));
    d.setAuthTag(unb64(s.tag));
    return Buffer.concat([d.update(unb64(s.data)), d.final()]);
  } catch {
    throw new WrongPassphraseError();
  }
}

export async function deriveKek(passphrase: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return pbkdf2Async(Buffer.from(passphrase, 'utf8'), salt, iterations, KEY_BYTES, 'sha512');
}

const MASTER_AAD = 'linstor-master-key';
const sha512 = (b: Buffer): string => createHash('sha512').update(b).digest('base64');

/** Seals a master key under a passphrase with a fresh salt (create and modify-passphrase). */
export async function sealMasterKey(passphrase: string, masterKey: Buffer, iterations = KDF_ITERATIONS): Promise<MasterKeyRecord> {
  const salt = randomBytes(16);
  const kek = await deriveKek(passphrase, salt, iterations);
  return {
    version: 1,
    kdf: { alg: 'PBKDF2-HMAC-SHA512', iterations, salt: b64(salt) },
    sealedMasterKey: seal(kek, masterKey, MASTER_AAD),
    masterKeyHash: sha512(masterKey),
  };
}

export function newMasterKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** The master key, or WrongPassphraseError. */
export async function openMasterKey(passphrase: string, rec: MasterKeyRecord): Promise<Buffer> {
  const kek = await deriveKek(passphrase, unb64(rec.kdf.salt), rec.kdf.iterations);
  const mk = unseal(kek, rec.sealedMasterKey, MASTER_AAD);
  const want = unb64(rec.masterKeyHash);
  const got = unb64(sha512(mk));
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw new WrongPassphraseError();
  return mk;
}

/** A LUKS passphrase for one volume: 32 random bytes, base64 (what cryptsetup reads on stdin). */
export function newVolumeKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}
