/** datastore rm: deletes IMAGE/SOURCE with its snapshots; a resource already gone is not an error. */
import { dsContext, imageField } from '../lib/context.js';
import { runAction } from '../run.js';

export async function rm(argv: string[]): Promise<void> {
  const ctx = await dsContext(argv);
  await ctx.linstor.remove(imageField(ctx.drv, 'SOURCE'));
}

await runAction('datastore', import.meta.url, rm);
