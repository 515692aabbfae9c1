/**
 * datastore stat: size in MB (rounded up, as libfs.sh fs_size) of IMAGE/PATH before cp:
 * the virtual size for disk images qemu-img knows, the byte size otherwise, Content-Length for URLs.
 */
import { statSync } from 'node:fs';
import { LocalRunner } from '../../../core/exec/index.js';
import { readDriverAction } from '../lib/drv-action.js';
import { DriverError } from '../lib/log.js';
import { text } from '../lib/xml.js';
import { runAction } from '../run.js';

const MiB = 1048576;

async function sizeBytes(path: string): Promise<number> {
  if (/^https?:\/\//.test(path)) {
    const res = await fetch(path, { method: 'HEAD' });
    const len = Number(res.headers.get('content-length'));
    if (!res.ok || !Number.isFinite(len) || len <= 0) throw new DriverError(`cannot tell the size of ${path} (HTTP ${res.status}, no Content-Length)`, 'give the image a SIZE or use a URL whose server reports Content-Length');
    return len;
  }
  let bytes: number;
  try { bytes = statSync(path).size; } catch { throw new DriverError(`image file ${path} does not exist or is not readable`, 'check the image PATH on the frontend'); }
  try {
    const info = await new LocalRunner().run(['qemu-img', 'info', '--output=json', path], { quiet: true });
    const v = (JSON.parse(info.stdout) as { 'virtual-size'?: number })['virtual-size'];
    if (v && v > 0) bytes = Math.max(bytes, v);
  } catch { /* no qemu-img on the frontend: the file size */ }
  return bytes;
}

export async function stat(argv: string[]): Promise<string> {
  const drv = await readDriverAction(argv);
  const path = text(drv.image, 'PATH').trim();
  if (!path) throw new DriverError('DRV_ACTION has no IMAGE/PATH', 'stat needs the PATH of the image to import');
  return String(Math.floor((await sizeBytes(path) + MiB - 1) / MiB));
}

await runAction('datastore', import.meta.url, stat);
