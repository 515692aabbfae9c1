/**
 * `linstor node info`: which storage providers and resource layers each satellite supports,
 * as two tables of +/- in linstor-client's columns; `--full` adds why the others are not
 * supported (e.g. "DRBD kernel module not loaded"), as the satellite reported it.
 */
import { ExitCode, type Ctx } from '../context.js';
import { list, obool, type Parsed } from '../spec.js';
import { Color, renderTable, type CellValue } from '../table.js';
import { toJson } from '../../model/json.js';
import type { Node } from '../../client/types.js';

const PROVIDER_COLUMNS = ['Diskless', 'LVM', 'LVMThin', 'ZFS/Thin', 'File/Thin', 'SPDK', 'EXOS', 'Remote_SPDK', 'Storage_Spaces', 'Storage_Spaces/Thin'];
const LAYER_COLUMNS = ['DRBD', 'LUKS', 'NVMe', 'Cache', 'BCache', 'WriteCache', 'Storage'];

// linstor-client compares names with '_' and '/' removed, upper-cased: so "ZFS/Thin" is
// ZFS_THIN and "File/Thin" FILE_THIN. We match the same way so the tables read the same.
const squash = (s: string): string => s.replace(/[_/]/g, '').toUpperCase();

function mark(supported: string[] | undefined, column: string): CellValue {
  const have = new Set((supported ?? []).map(squash));
  return have.has(squash(column)) ? { text: '+', color: Color.GREEN } : { text: '-', color: Color.RED };
}

type Reasons = Record<string, string | Record<string, string[]>>;

function reasonLines(title: string, reasons: Reasons): string {
  const lines = [title];
  for (const [node, r] of Object.entries(reasons)) {
    if (typeof r === 'string') { lines.push(` ${node}: ${r}`); continue; }
    lines.push(` ${node}: `);
    for (const [what, why] of Object.entries(r)) for (const w of why) lines.push(`  ${what}: ${w}`);
  }
  return lines.join('\n') + '\n';
}

export async function nodeInfo(ctx: Ctx, p: Parsed): Promise<number> {
  const nodes = await ctx.client.nodes.list({ nodes: list(p, 'nodes') });
  if (ctx.machine) { ctx.out(toJson([nodes], 2) + '\n'); return ExitCode.OK; }
  // Only satellites report what they support; controller and auxiliary nodes have nothing to say.
  const sats = nodes.filter((n: Node) => ['SATELLITE', 'COMBINED'].includes(n.type.toUpperCase()));
  const provReasons: Reasons = {};
  const layerReasons: Reasons = {};
  for (const n of sats) {
    if (n.connection_status !== 'ONLINE') {
      provReasons[n.name] = 'NODE IS OFFLINE!';
      layerReasons[n.name] = 'NODE IS OFFLINE!';
      continue;
    }
    if (n.unsupported_providers && Object.keys(n.unsupported_providers).length) provReasons[n.name] = n.unsupported_providers;
    if (n.unsupported_layers && Object.keys(n.unsupported_layers).length) layerReasons[n.name] = n.unsupported_layers;
  }
  const header = (cols: string[]): string[] => ['Node', ...cols.map((c) => c.replace(/_/g, ' '))];
  ctx.out(renderTable(header(PROVIDER_COLUMNS), sats.map((n) => [n.name, ...PROVIDER_COLUMNS.map((c) => mark(n.storage_providers, c))]), ctx.style));
  if (obool(p, 'full') && Object.keys(provReasons).length) ctx.out(reasonLines('Unsupported storage providers:', provReasons));
  ctx.out('\n');
  ctx.out(renderTable(header(LAYER_COLUMNS), sats.map((n) => [n.name, ...LAYER_COLUMNS.map((c) => mark(n.resource_layers, c))]), ctx.style));
  if (obool(p, 'full') && Object.keys(layerReasons).length) ctx.out(reasonLines('Unsupported resource layers:', layerReasons));
  return ExitCode.OK;
}
