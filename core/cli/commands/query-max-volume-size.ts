/** The query-max-volume-size table shared by `controller` and `resource-group` (linstor-client's _show_query_max_volume). */
import { ExitCode, newTable, showReplies, type Ctx } from '../context.js';
import { pyJson } from '../output.js';
import type { Parsed } from '../spec.js';
import { approxSize } from '../units.js';

type Obj = Record<string, any>;

/** Names joined with ", " and cut to 40 characters with "...", as linstor-client's limited_string. */
function limited(names: string[]): string {
  let s = '';
  names.forEach((n, i) => {
    s += n + (i !== names.length - 1 ? ', ' : '');
    if (s.length > 40) s = `${s.slice(0, 37)}...`;
  });
  return s;
}

/** Python's str(float): 20 → "20.0". */
const pyFloat = (v: number): string => (Number.isInteger(v) ? `${v}.0` : String(v));

export async function showQueryMaxVolumeSize(ctx: Ctx, p: Parsed, reply: Obj | Obj[]): Promise<number> {
  if (Array.isArray(reply)) return showReplies(ctx, reply);
  if (ctx.machine) { ctx.out(`${pyJson([reply])}\n`); return ExitCode.OK; }
  const defs = await ctx.client.transport.get<Obj[]>('/v1/storage-pool-definitions');
  const t = newTable(ctx, p).addColumn('StoragePool').addColumn('MaxVolumeSize', { right: true }).addColumn('Provisioning').addColumn('Nodes');
  for (const c of reply.candidates ?? []) {
    const ratio = Number(defs.find((d) => d.storage_pool_name === c.storage_pool)?.props?.MaxOversubscriptionRatio ?? reply.default_max_oversubscription_ratio);
    t.addRow([c.storage_pool, approxSize(c.max_volume_size_kib), c.all_thin ? `Thin, oversubscription ratio ${pyFloat(ratio)}` : 'Thick', limited(c.node_names ?? [])]);
  }
  ctx.out(t.show());
  return ExitCode.OK;
}
