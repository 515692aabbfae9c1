import type { Logger } from 'pino';
import { ApiError } from '../../model/errors.js';
import { nameKey } from '../../model/names.js';
import type { ClusterState, Transaction } from '../state/cluster-state.js';
import {
  newMasterKey, newVolumeKey, openMasterKey, seal, sealMasterKey, unseal, WrongPassphraseError,
  type MasterKeyRecord, type Sealed,
} from './crypto.js';
import { PassphraseThrottle } from './throttle.js';

/**
 * The master passphrase and the volume keys it protects (§3.8). What is stored (the `secrets`
 * table) is sealed; the unsealed master key lives only in this process's memory, so after a
 * restart the controller is "locked" until the passphrase is entered again (REST PATCH, or
 * MASTER_PASSPHRASE / [encrypt] passphrase at start).
 */
export type PassphraseStatus = 'unset' | 'locked' | 'unlocked';

export const MASTER_KEY_ROW = 'MASTERKEY';
export const volumeKeyRow = (rd: string, vlmNr: number): string => `VLMKEY/${nameKey(rd)}/${vlmNr}`;

export interface EncryptionCtx { state: ClusterState; log?: Logger }

interface Unlocked { masterKey: Buffer; cache: Map<string, { iv: string; key: string }> }
/** Per cluster state (one per controller process; tests may run several in one process). */
const unlocked = new WeakMap<ClusterState, Unlocked>();
const throttles = new WeakMap<ClusterState, PassphraseThrottle>();

/** Opens the master key with `pass`, slowed down after wrong passphrases (throttle.ts). */
function openThrottled(state: ClusterState, pass: string, rec: MasterKeyRecord): Promise<Buffer> {
  let t = throttles.get(state);
  if (!t) { t = new PassphraseThrottle(); throttles.set(state, t); }
  return t.run(() => openMasterKey(pass, rec));
}

function record(state: ClusterState): MasterKeyRecord | undefined {
  return state.secrets.get(MASTER_KEY_ROW) as MasterKeyRecord | undefined;
}

export function passphraseStatus(state: ClusterState): PassphraseStatus {
  if (!record(state)) return 'unset';
  return unlocked.has(state) ? 'unlocked' : 'locked';
}

const CTRL = { obj: 'CTRL_CONF' as const };

export function lockedError(what?: string): ApiError {
  return new ApiError('FAIL_NOT_FOUND_CRYPT_KEY',
    `${what ? `${what}: ` : ''}the master passphrase is locked, enter it with linstor encryption enter-passphrase`, {
      cause: 'Encrypted (LUKS) volumes need their keys, which are stored encrypted under the master passphrase; the controller has not been given it since it started.',
      correction: "Run 'linstor encryption enter-passphrase', or start the controller with MASTER_PASSPHRASE or [encrypt] passphrase in linstor.toml.",
    });
}

function unsetError(what?: string): ApiError {
  return new ApiError('FAIL_NOT_FOUND_CRYPT_KEY', `${what ? `${what}: ` : ''}no master passphrase has been created yet`, {
    cause: 'Encrypted (LUKS) volume keys and backup remote keys are stored sealed under a master passphrase.',
    correction: "Create one with 'linstor encryption create-passphrase' first.",
  });
}

function checkPassphrase(p: unknown, field: string): string {
  if (typeof p !== 'string' || p.length === 0) {
    throw new ApiError('FAIL_INVLD_CRYPT_PASSPHRASE', `The ${field} must be a non-empty string.`, { ...CTRL, correction: 'Give a passphrase.' });
  }
  return p;
}

function wrongPassphrase(): ApiError {
  // LINSTOR's own wording and code for a wrong passphrase (CtrlConfApiCallHandler).
  return new ApiError('FAIL_MISSING_PROPS', 'Could not restore master passphrase as the given old passphrase was incorrect', {
    ...CTRL, cause: 'Wrong passphrase', correction: 'Enter the correct passphrase',
  });
}

/** POST: creates the master key, sealed under `passphrase`; the controller is unlocked afterwards. */
export async function createPassphrase(ctx: EncryptionCtx, passphrase: unknown): Promise<void> {
  const pass = checkPassphrase(passphrase, 'new passphrase');
  const exists = (): ApiError => new ApiError('FAIL_EXISTS_CRYPT_PASSPHRASE', 'Could not create new crypt passphrase as it already exists', {
    ...CTRL, op: 'CRT', cause: 'A passphrase was already defined', correction: "Use 'linstor encryption modify-passphrase' instead of create-passphrase",
  });
  if (record(ctx.state)) throw exists();
  const masterKey = newMasterKey();
  const rec = await sealMasterKey(pass, masterKey);
  await ctx.state.mutate((tx) => {
    if (record(ctx.state)) throw exists(); // a concurrent create won while we derived the key
    tx.put(ctx.state.secrets, MASTER_KEY_ROW, rec);
  });
  unlocked.set(ctx.state, { masterKey, cache: new Map() });
  ctx.log?.info('master passphrase created');
}

/** PATCH: unlocks the master key. */
export async function enterPassphrase(ctx: EncryptionCtx, passphrase: unknown): Promise<void> {
  const pass = checkPassphrase(passphrase, 'passphrase');
  const rec = record(ctx.state);
  if (!rec) {
    throw new ApiError('FAIL_MISSING_PROPS', 'Encryption namespace is empty, you need to set a passphrase first', {
      ...CTRL, correction: "Create one with 'linstor encryption create-passphrase'.",
    });
  }
  try {
    const masterKey = await openThrottled(ctx.state, pass, rec);
    unlocked.set(ctx.state, { masterKey, cache: new Map() });
  } catch (e) {
    if (e instanceof WrongPassphraseError) throw wrongPassphrase();
    throw e;
  }
  ctx.log?.info('master passphrase entered');
  await resendEncryptedResources(ctx.state);
}

/**
 * While locked, satellites got their LUKS resources without keys (and refused them). Re-writing
 * those rows unchanged is a commit like any other, so their nodes get the desired state again,
 * now with the keys.
 */
async function resendEncryptedResources(state: ClusterState): Promise<void> {
  const luks = (stack: readonly string[]) => stack.includes('LUKS');
  const rows = [...state.resources.entries()].filter(([, r]) => luks(r.layerStack) || luks(state.resourceDefinitions.get(nameKey(r.name))?.layerStack ?? []));
  if (!rows.length) return;
  await state.mutate((tx) => { for (const [k, r] of rows) if (state.resources.get(k) === r) tx.put(state.resources, k, { ...r }); });
}

/** PUT: re-seals the same master key under a new passphrase; volume keys are untouched. */
export async function modifyPassphrase(ctx: EncryptionCtx, oldPassphrase: unknown, newPassphrase: unknown): Promise<void> {
  const oldPass = checkPassphrase(oldPassphrase, 'old passphrase');
  const newPass = checkPassphrase(newPassphrase, 'new passphrase');
  const rec = record(ctx.state);
  if (!rec) {
    throw new ApiError('FAIL_EXISTS_CRYPT_PASSPHRASE', 'Could not modify crypt passphrase as it does not exist', {
      ...CTRL, op: 'MOD', cause: 'No passphrase was defined yet', correction: "Use 'linstor encryption create-passphrase' instead of modify-passphrase",
    });
  }
  let masterKey: Buffer;
  try { masterKey = await openThrottled(ctx.state, oldPass, rec); } catch (e) {
    if (e instanceof WrongPassphraseError) throw wrongPassphrase();
    throw e;
  }
  const next = await sealMasterKey(newPass, masterKey);
  await ctx.state.mutate((tx) => {
    if (record(ctx.state) !== rec) throw new ApiError('FAIL_MISSING_PROPS', 'The master passphrase was changed by another request meanwhile.', { ...CTRL, correction: 'Try again with the current passphrase.' });
    tx.put(ctx.state.secrets, MASTER_KEY_ROW, next);
  });
  ctx.log?.info('master passphrase modified');
}

/**
 * At controller start (MASTER_PASSPHRASE or [encrypt] passphrase): creates the master passphrase
 * if there is none yet, else enters it, as LINSTOR does. Never throws: a wrong passphrase is
 * logged and the controller stays locked.
 */
export async function unlockAtStart(ctx: EncryptionCtx, passphrase: string | undefined): Promise<PassphraseStatus> {
  if (!passphrase) return passphraseStatus(ctx.state);
  try {
    if (record(ctx.state)) await enterPassphrase(ctx, passphrase);
    else await createPassphrase(ctx, passphrase);
  } catch (e) {
    ctx.log?.error({ err: (e as Error).message }, 'automatic master passphrase entry failed; the controller stays locked');
  }
  return passphraseStatus(ctx.state);
}

/**
 * The LUKS passphrase of one volume for the desired state, or undefined when the controller is
 * locked (or no key exists yet): the builder then must not send the resource (see lockedError).
 */
export function getVolumeKey(ctx: EncryptionCtx, rd: string, vlmNr: number): string | undefined {
  const u = unlocked.get(ctx.state);
  if (!u) return undefined;
  const row = volumeKeyRow(rd, vlmNr);
  const sealed = ctx.state.secrets.get(row) as Sealed | undefined;
  if (!sealed) return undefined;
  const hit = u.cache.get(row);
  if (hit && hit.iv === sealed.iv) return hit.key;
  const key = unseal(u.masterKey, sealed, row).toString('utf8');
  u.cache.set(row, { iv: sealed.iv, key });
  return key;
}

/** Like getVolumeKey, but throws the operator-facing error instead of returning undefined. */
export function requireVolumeKey(ctx: EncryptionCtx, rd: string, vlmNr: number): string {
  const key = getVolumeKey(ctx, rd, vlmNr);
  if (key !== undefined) return key;
  const what = `Encrypted volume ${vlmNr} of resource '${rd}'`;
  throw passphraseStatus(ctx.state) === 'unset' ? unsetError(what) : passphraseStatus(ctx.state) === 'locked' ? lockedError(what)
    : new ApiError('FAIL_NOT_FOUND_CRYPT_KEY', `${what} has no key.`, { correction: 'Recreate the volume definition, or report this as a bug.' });
}

/**
 * Inside another mutation (volume-definition / resource create with LUKS): adds a random key for
 * the volume unless it has one, so the key commits atomically with the volume. Throws (rolling
 * the whole mutation back) when the passphrase is unset or locked.
 */
export function addVolumeKey(ctx: EncryptionCtx, tx: Transaction, rd: string, vlmNr: number): void {
  const row = volumeKeyRow(rd, vlmNr);
  if (ctx.state.secrets.has(row)) return;
  const u = unlocked.get(ctx.state);
  const what = `Cannot create encrypted volume ${vlmNr} of resource '${rd}'`;
  if (!u) throw record(ctx.state) ? lockedError(what) : unsetError(what);
  tx.put(ctx.state.secrets, row, seal(u.masterKey, Buffer.from(newVolumeKey(), 'utf8'), row));
}

/** Stand-alone form of addVolumeKey. */
export async function ensureVolumeKey(ctx: EncryptionCtx, rd: string, vlmNr: number): Promise<string> {
  await ctx.state.mutate((tx) => addVolumeKey(ctx, tx, rd, vlmNr));
  return requireVolumeKey(ctx, rd, vlmNr);
}

/** Drops the keys of a deleted volume definition (vlmNr given) or resource definition. */
export function deleteVolumeKeys(ctx: EncryptionCtx, tx: Transaction, rd: string, vlmNr?: number): void {
  if (vlmNr !== undefined) { tx.delete(ctx.state.secrets, volumeKeyRow(rd, vlmNr)); return; }
  const prefix = `VLMKEY/${nameKey(rd)}/`;
  for (const [k] of [...ctx.state.secrets.entries()]) if (k.startsWith(prefix)) tx.delete(ctx.state.secrets, k);
}

/**
 * Seals a secret other than a volume key (S3 keys, a remote's passphrase) under the master key;
 * `aad` binds it to its row and field so a sealed value cannot be moved to another one.
 * Throws the operator-facing error when the passphrase is unset or locked.
 */
export function sealSecret(ctx: EncryptionCtx, what: string, aad: string, plain: string): Sealed {
  const u = unlocked.get(ctx.state);
  if (!u) throw record(ctx.state) ? lockedError(what) : unsetError(what);
  return seal(u.masterKey, Buffer.from(plain, 'utf8'), aad);
}

/** Opens what sealSecret sealed; throws the operator-facing error when locked. */
export function openSecret(ctx: EncryptionCtx, what: string, aad: string, sealed: Sealed): string {
  const u = unlocked.get(ctx.state);
  if (!u) throw record(ctx.state) ? lockedError(what) : unsetError(what);
  return unseal(u.masterKey, sealed, aad).toString('utf8');
}
