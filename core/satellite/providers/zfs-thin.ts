import type { ProviderKind } from '../../model/types.js';
import { ZfsProvider } from './zfs.js';

/** ZFS_THIN: sparse zvols (`zfs create -s -V`), no refreservation. */
export class ZfsThinProvider extends ZfsProvider {
  override readonly kind: ProviderKind = 'ZFS_THIN';
  protected override readonly sparse: boolean = true;
}
