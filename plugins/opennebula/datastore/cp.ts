/**
 * datastore cp: import IMAGE/PATH (frontend file or http(s) URL) into a new LINSTOR resource
 * `OpenNebula-Image-<id>`; prints "<SOURCE> <FORMAT>" (the device holds raw data).
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { dataNodes, dsContext, imageField, imageSizeMiB } from '../lib/context.js';
import { requireBridgeList } from '../lib/datastore-config.js';
import { imageResourceName } from '../lib/linstor.js';
import { DriverError, logInfo } from '../lib/log.js';
import { importFileToDevice } from '../lib/copy.js';
import { runAction } from '../run.js';

async function localCopy(path: string): Promise<{ file: string; cleanup: () => void }> {
  if (!/^https?:\/\//.test(path)) return { file: path, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'one-linstor-dl-'));
  const file = join(dir, 'image');
  logInfo(`downloading ${path}`);
  const res = await fetch(path);
  if (!res.ok || !res.body) throw new DriverError(`download of ${path} failed: HTTP ${res.status}`, 'check the image PATH');
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(file));
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function cp(argv: string[]): Promise<string> {
  const ctx = await dsContext(argv);
  requireBridgeList(ctx.cfg);
  const path = imageField(ctx.drv, 'PATH');
  const size = imageSizeMiB(ctx.drv);
  const name = imageResourceName(ctx.drv.id);
  const src = await localCopy(path);
  try {
    await ctx.linstor.deploy(name, size);
    try {
      for (const node of await dataNodes(ctx, name)) {
        const device = await ctx.linstor.devicePath(name, node);
        const fmt = await importFileToDevice(await ctx.hosts.runner(node), src.file, device);
        logInfo(`imported ${path} (${fmt}) into ${name} on ${node}`);
      }
    } catch (e) {
      await ctx.linstor.remove(name).catch(() => {});
      throw e;
    }
  } finally {
    src.cleanup();
    ctx.hosts.closeAll();
  }
  return `${name} raw`;
}

await runAction('datastore', import.meta.url, cp);
