export {
  passphraseStatus, createPassphrase, enterPassphrase, modifyPassphrase, unlockAtStart,
  getVolumeKey, requireVolumeKey, addVolumeKey, ensureVolumeKey, deleteVolumeKeys, lockedError,
  volumeKeyRow, MASTER_KEY_ROW, sealSecret, openSecret, type PassphraseStatus, type EncryptionCtx,
} from './service.js';
