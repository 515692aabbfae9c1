/**
 * Copies resource `src` into a new resource `dst`: LINSTOR's clone API (snapshot-based,
 * cheap on thin pools) unless LINSTOR_CLONE_MODE=copy asks for a full copy or the
 * controller has no clone API; the copy runs `qemu-img`/`dd` on a node holding both.
 */
import { copyDevice } from './copy.js';
import { dataNodes } from './context.js';
import type { DatastoreConfig } from './datastore-config.js';
import type { Hosts } from './hosts.js';
import type { OneLinstor } from './linstor.js';
import { logInfo } from './log.js';

export interface CloneContext { cfg: DatastoreConfig; linstor: OneLinstor; hosts: Hosts }

export async function cloneResource(ctx: CloneContext, src: string, dst: string, sizeMiB?: number): Promise<void> {
  const srcSize = await ctx.linstor.sizeMiB(src);
  const size = Math.max(srcSize, sizeMiB ?? 0);
  let cloned = false;
  if (ctx.cfg.cloneMode !== 'copy') {
    logInfo(`cloning ${src} to ${dst} with LINSTOR's clone API`);
    cloned = await ctx.linstor.cloneWithApi(src, dst);
    
  }
  if (!cloned) await copyClone(ctx, src, dst, srcSize);
  if (size > srcSize) {
    logInfo(`growing ${dst} to ${size} MiB`);
    await ctx.linstor.resize(dst, size);
  }
}

async function copyClone(ctx: CloneContext, src: string, dst: string, sizeMiB: number): Promise<void> {
  await ctx.linstor.deploy(dst, sizeMiB);
  try {
    for (const node of await dataNodes(ctx, dst)) {
      // The copy node needs the source too: a diskless attachment or an existing replica.
      const srcDev = await ctx.linstor.attach(src, node);
      const dstDev = await ctx.linstor.devicePath(dst, node);
      logInfo(`copying ${src} (${srcDev}) to ${dst} (${dstDev}) on ${node}`);
      await copyDevice(await ctx.hosts.runner(node), srcDev, dstDev);
      await ctx.linstor.detach(src, node);
    }
  } catch (e) {
    await ctx.linstor.remove(dst).catch(() => {});
    throw e;
  }
}
