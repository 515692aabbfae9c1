/** tm mkswap `size_MB host:dir/disk.i vmid dsid`: a volatile swap disk (mkimage with format swap, as common/mkswap does). */
import { intArg, requireArg } from '../lib/args.js';
import { runAction } from '../run.js';
import { makeVolatile } from './mkimage.js';

export async function mkswap(argv: string[]): Promise<void> {
  await makeVolatile(intArg(argv, 0, 'size in MB'), 'swap', argv[1], requireArg(argv, 2, 'vm id'), requireArg(argv, 3, 'datastore id'));
}

await runAction('tm', import.meta.url, mkswap);
