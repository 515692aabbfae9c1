/** datastore clone: IMAGE/PATH is the source image's SOURCE; the copy is `OpenNebula-Image-<id>`; prints "<SOURCE> raw". */
import { cloneResource } from '../lib/clone.js';
import { dsContext, imageField } from '../lib/context.js';
import { imageResourceName } from '../lib/linstor.js';
import { DriverError } from '../lib/log.js';
import { text } from '../lib/xml.js';
import { runAction } from '../run.js';

export async function clone(argv: string[]): Promise<string> {
  const ctx = await dsContext(argv);
  const src = imageField(ctx.drv, 'PATH');
  const name = imageResourceName(ctx.drv.id);
  if (!(await ctx.linstor.exists(src))) {
    throw new DriverError(`source image resource ${src} (IMAGE/PATH, image ${text(ctx.drv.image, 'CLONING_ID')}) does not exist in LINSTOR`, 'clone an image that lives on a LINSTOR datastore');
  }
  const size = Number(text(ctx.drv.image, 'SIZE')) || undefined;
  try {
    await cloneResource(ctx, src, name, size);
  } finally {
    ctx.hosts.closeAll();
  }
  return `${name} raw`;
}

await runAction('datastore', import.meta.url, clone);
