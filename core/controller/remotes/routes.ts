/** `/v1/remotes...`: list, create, modify, delete S3 and LINSTOR remotes (remote ebs: not supported). */
import type { Router } from 'express';
import type * as api from '../../api/index.js';
import { rcEntry } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import {
  createLinstorRemote, createS3Remote, deleteRemote, linstorView, modifyLinstorRemote, modifyS3Remote, s3View,
} from './service.js';

const REMOTE = { obj: 'REMOTE' as const };
const refs = (name: string) => ({ ...REMOTE, objRefs: { Remote: name } });

export function registerRemoteRoutes(r: Router, ctx: ControllerContext, inUse: (remote: string) => string | undefined): void {
  const { reporter, state } = ctx;
  const all = () => [...state.remotes.values()].sort((a, b) => a.name.localeCompare(b.name));

  r.get('/v1/remotes', route(reporter, REMOTE, 200, () => {
    const list: api.RemoteList = { s3_remotes: [], linstor_remotes: [], ebs_remotes: [] };
    for (const x of all()) {
      if (x.kind === 'S3') list.s3_remotes!.push(s3View(x)); else list.linstor_remotes!.push(linstorView(x));
    }
    // golinstor and linstor-client read one object here (the spec's array wrapper is not what LINSTOR sends).
    return { json: list };
  }));
  r.get('/v1/remotes/s3', route(reporter, REMOTE, 200, () => ({ json: all().flatMap((x) => (x.kind === 'S3' ? [s3View(x)] : [])) })));
  r.get('/v1/remotes/linstor', route(reporter, REMOTE, 200, () => ({ json: all().flatMap((x) => (x.kind === 'LINSTOR' ? [linstorView(x)] : [])) })));
  r.get('/v1/remotes/ebs', route(reporter, REMOTE, 200, () => ({ json: [] })));

  r.post('/v1/remotes/s3', route(reporter, { ...REMOTE, op: 'CRT', body: 'POST /v1/remotes/s3' }, 201, async (_q, _s, b) => {
    const row = await createS3Remote(ctx, b);
    return { rc: [rcEntry('CREATED', `Remote '${row.name}' created.`, { ...refs(row.name), op: 'CRT' })] };
  }));
  r.put('/v1/remotes/s3/:name', route(reporter, { ...REMOTE, op: 'MOD', body: 'PUT /v1/remotes/s3/{remoteName}' }, 200, async (q, _s, b) => {
    const row = await modifyS3Remote(ctx, String(q.params.name), b);
    return { rc: [rcEntry('MODIFIED', `Remote '${row.name}' modified.`, { ...refs(row.name), op: 'MOD' })] };
  }));
  r.post('/v1/remotes/linstor', route(reporter, { ...REMOTE, op: 'CRT', body: 'POST /v1/remotes/linstor' }, 201, async (_q, _s, b) => {
    const row = await createLinstorRemote(ctx, b);
    return { rc: [rcEntry('CREATED', `Remote '${row.name}' created.`, { ...refs(row.name), op: 'CRT' })] };
  }));
  r.put('/v1/remotes/linstor/:name', route(reporter, { ...REMOTE, op: 'MOD', body: 'PUT /v1/remotes/linstor/{remoteName}' }, 200, async (q, _s, b) => {
    const row = await modifyLinstorRemote(ctx, String(q.params.name), b);
    return { rc: [rcEntry('MODIFIED', `Remote '${row.name}' modified.`, { ...refs(row.name), op: 'MOD' })] };
  }));
  const noEbs = () => { throw new ApiError('FAIL_INVLD_BACKUP_CONFIG', 'EBS remotes are not supported by this controller.', { ...REMOTE, correction: 'Use an S3 or a LINSTOR remote.' }); };
  r.post('/v1/remotes/ebs', route(reporter, { ...REMOTE, op: 'CRT' }, 201, noEbs));
  r.put('/v1/remotes/ebs/:name', route(reporter, { ...REMOTE, op: 'MOD' }, 200, noEbs));

  r.delete('/v1/remotes', route(reporter, { ...REMOTE, op: 'DEL' }, 200, async (q) => {
    const name = q.query.remote_name;
    if (typeof name !== 'string' || !name) throw new ApiError('FAIL_INVLD_REMOTE_NAME', 'Give the remote to delete (?remote_name=...).', { ...REMOTE, op: 'DEL', correction: 'Name the remote.' });
    const row = await deleteRemote(ctx, name, inUse);
    return { rc: [rcEntry('DELETED', `Remote '${row.name}' deleted.`, { ...refs(row.name), op: 'DEL' })] };
  }));
}
