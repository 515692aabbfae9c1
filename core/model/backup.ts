/**
 * Backup remotes and schedules as the controller stores them (tables `remotes`, `schedules`).
 * Secrets (S3 keys, a LINSTOR remote's passphrase) are kept sealed under the master key
 * (core/controller/encryption): the rows never hold them in clear.
 */
export interface SealedSecret { cipher: 'AES-256-GCM'; iv: string; tag: string; data: string }

export interface S3RemoteRow {
  kind: 'S3';
  name: string;
  endpoint: string;
  bucket: string;
  region: string;
  usePathStyle: boolean;
  accessKey: SealedSecret;
  secretKey: SealedSecret;
}

export interface LinstorRemoteRow {
  kind: 'LINSTOR';
  name: string;
  url: string;
  clusterId?: string;
  passphrase?: SealedSecret;
}

export type Remote = S3RemoteRow | LinstorRemoteRow;

export type OnFailure = 'SKIP' | 'RETRY';

export interface Schedule {
  name: string;
  fullCron: string;
  incCron?: string;
  keepLocal?: number;
  keepRemote?: number;
  onFailure: OnFailure;
  maxRetries?: number;
}

/** What the satellite needs to reach an S3 bucket (clear secrets: sent only over the authenticated link). */
export interface S3Target {
  endpoint: string;
  bucket: string;
  region: string;
  usePathStyle: boolean;
  accessKey: string;
  secretKey: string;
}

/** Backup streams of one family are received only by a pool of the same family. */
export type StreamFamily = 'zfs' | 'thin';

export function streamFamily(kind: string): StreamFamily | 'file' | undefined {
  if (kind === 'ZFS' || kind === 'ZFS_THIN') return 'zfs';
  if (kind === 'LVM_THIN') return 'thin';
  if (kind === 'FILE_THIN') return 'file';
  return undefined;
}
