import type { ProviderKind } from '../../model/types.js';
import { FileProvider } from './file.js';

/** FILE_THIN: like FILE, but the files are sparse; only written blocks use the pool's space. */
export class FileThinProvider extends FileProvider {
  override readonly kind: ProviderKind = 'FILE_THIN';
  protected override readonly thin: boolean = true;
}
