/** datastore mkfs: an empty datablock `OpenNebula-Image-<id>` of IMAGE/SIZE MB, with IMAGE/FS if given; prints SOURCE. */
import { makeFilesystem } from '../lib/copy.js';
import { dataNodes, dsContext, imageSizeMiB } from '../lib/context.js';
import { imageResourceName } from '../lib/linstor.js';
import { runAction } from '../run.js';
import { text } from '../lib/xml.js';

export async function mkfs(argv: string[]): Promise<string> {
  const ctx = await dsContext(argv);
  const size = imageSizeMiB(ctx.drv);
  const fs = text(ctx.drv.image, 'FS').trim();
  const name = imageResourceName(ctx.drv.id);
  await ctx.linstor.deploy(name, size);
  try {
    if (fs && fs !== 'raw') {
      for (const node of await dataNodes(ctx, name)) {
        await makeFilesystem(await ctx.hosts.runner(node), await ctx.linstor.devicePath(name, node), fs);
      }
    }
  } catch (e) {
    await ctx.linstor.remove(name).catch(() => {});
    throw e;
  } finally {
    ctx.hosts.closeAll();
  }
  return name;
}

await runAction('datastore', import.meta.url, mkfs);
