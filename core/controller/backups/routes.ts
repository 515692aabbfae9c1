/** `/v1/remotes/{remote}/backups...`: create, list, info, delete, restore, abort (S3 remotes). */
import type { Router } from 'express';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { abortBackups, createBackup } from './create.js';
import { deleteBackups } from './delete.js';
import { backupInfo, listBackups } from './list.js';
import { restoreBackup } from './restore.js';
import { queueView } from './queue.js';
import { listParam } from '../http/query.js';
import { shipBackup } from '../shipping/ship.js';
import { registerShippingReceiveRoutes } from '../shipping/receive.js';
import { recoverInterruptedBackups } from './recover.js';

const BACKUP = { obj: 'BACKUP' as const };
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export function registerBackupRoutes(r: Router, ctx: ControllerContext): void {
  const { reporter } = ctx;
  const base = '/v1/remotes/:remote/backups';

  r.get(base, route(reporter, BACKUP, 200, async (q) => ({ json: await listBackups(ctx, String(q.params.remote), str(q.query.rsc_name), str(q.query.snap_name)) })));
  r.post(base, route(reporter, { ...BACKUP, op: 'CRT', body: 'POST /v1/remotes/{remote_name}/backups' }, 201, async (q, _s, b) => ({ rc: await createBackup(ctx, String(q.params.remote), b) })));
  r.delete(base, route(reporter, { ...BACKUP, op: 'DEL' }, 200, async (q) => ({ rc: await deleteBackups(ctx, String(q.params.remote), q.query as Record<string, unknown>) })));
  r.post(`${base}/restore`, route(reporter, { ...BACKUP, op: 'CRT', body: 'POST /v1/remotes/{remote_name}/backups/restore' }, 201, async (q, _s, b) => ({ rc: await restoreBackup(ctx, String(q.params.remote), b) })));
  r.post(`${base}/abort`, route(reporter, { ...BACKUP, op: 'MOD', body: 'POST /v1/remotes/{remote_name}/backups/abort' }, 200, async (q, _s, b) => ({ rc: await abortBackups(ctx, String(q.params.remote), b) })));
  r.post(`${base}/info`, route(reporter, { ...BACKUP, body: 'POST /v1/remotes/{remote_name}/backups/info', bodyOptional: true }, 200, async (q, _s, b) => ({ json: await backupInfo(ctx, String(q.params.remote), b) })));
  r.get('/v1/view/backup/queue', route(reporter, BACKUP, 200, (q) => ({
    json: queueView(ctx, { nodes: listParam(q, 'nodes'), snapshots: listParam(q, 'snapshots'), resources: listParam(q, 'resources'), remotes: listParam(q, 'remotes'), snapToNode: q.query.snap_to_node === 'true' }),
  })));
  r.post(`${base}/ship`, route(reporter, { ...BACKUP, op: 'CRT', body: 'POST /v1/remotes/{remote_name}/backups/ship' }, 201, async (q, _s, b) => ({ rc: await shipBackup(ctx, String(q.params.remote), b) })));
  registerShippingReceiveRoutes(r, ctx);
  // Routes are registered when this controller becomes active: the moment to clean up after the last one.
  void recoverInterruptedBackups(ctx).catch((e: Error) => ctx.log.warn({ err: e.message }, 'recovering interrupted backups failed'));
}
