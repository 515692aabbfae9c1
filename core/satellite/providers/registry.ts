import type { DesiredStoragePool } from '../../model/satellite-protocol.js';
import { PROVIDER_KINDS, type ProviderKind } from '../../model/types.js';
import { DisklessProvider } from './diskless.js';
import { FileThinProvider } from './file-thin.js';
import { FileProvider } from './file.js';
import { LvmThinProvider } from './lvm-thin.js';
import { LvmProvider } from './lvm.js';
import type { ProviderContext, StorageProvider, Support } from './provider.js';
import { ZfsThinProvider } from './zfs-thin.js';
import { ZfsProvider } from './zfs.js';

const FACTORIES: Record<ProviderKind, (ctx: ProviderContext) => StorageProvider> = {
  DISKLESS: (c) => new DisklessProvider(c),
  FILE: (c) => new FileProvider(c),
  FILE_THIN: (c) => new FileThinProvider(c),
  LVM: (c) => new LvmProvider(c),
  LVM_THIN: (c) => new LvmThinProvider(c),
  ZFS: (c) => new ZfsProvider(c),
  ZFS_THIN: (c) => new ZfsThinProvider(c),
};

export function createProvider(ctx: ProviderContext): StorageProvider {
  return FACTORIES[ctx.pool.providerKind](ctx);
}

/** Which provider kinds this node supports, and the reasons for the others (node info). */
export async function probeProviders(ctx: Omit<ProviderContext, 'pool'>): Promise<Record<ProviderKind, Support>> {
  const out = {} as Record<ProviderKind, Support>;
  for (const kind of PROVIDER_KINDS) {
    const pool: DesiredStoragePool = { name: `probe-${kind}`, providerKind: kind, props: {} };
    out[kind] = await createProvider({ ...ctx, pool }).supported();
  }
  return out;
}
