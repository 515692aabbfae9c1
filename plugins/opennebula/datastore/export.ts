/**
 * datastore export (MARKETPLACE_ACTIONS): tells the marketplace where to read the image:
 * the resource's device on a node with data, reachable as ssh://<node>:<device>.
 */
import { dsContext, imageField, storageNode } from '../lib/context.js';
import { text } from '../lib/xml.js';
import { runAction } from '../run.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export async function exportImage(argv: string[]): Promise<string> {
  const ctx = await dsContext(argv);
  const source = imageField(ctx.drv, 'SOURCE');
  const node = await storageNode(ctx, source);
  const device = await ctx.linstor.devicePath(source, node);
  const address = await ctx.hosts.address(node);
  let md5 = text(ctx.drv.image, 'TEMPLATE', 'MD5');
  if (!md5) {
    const r = await (await ctx.hosts.runner(node)).run(['md5sum', device], { timeoutMs: 3600_000 });
    md5 = r.stdout.split(/\s+/)[0] ?? '';
  }
  ctx.hosts.closeAll();
  const size = text(ctx.drv.image, 'SIZE') || String(await ctx.linstor.sizeMiB(source));
  return `<IMPORT_INFO><IMPORT_SOURCE><![CDATA[ssh://${address}:${device}]]></IMPORT_SOURCE><MD5><![CDATA[${esc(md5)}]]></MD5><SIZE><![CDATA[${esc(size)}]]></SIZE><FORMAT><![CDATA[raw]]></FORMAT><DISPOSE>NO</DISPOSE></IMPORT_INFO>`;
}

await runAction('datastore', import.meta.url, exportImage);
