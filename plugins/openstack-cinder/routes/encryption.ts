/**
 * /types/{id}/encryption (cinder/api/contrib/volume_type_encryption.py). No type here is
 * encrypted: listing answers `{}` as Cinder does for an unencrypted type, creating one is
 * refused with 400 (InvalidInput), updating or deleting a missing one is Cinder's 404.
 */
import type { Router } from 'express';
import { h, type Call } from '../http/app.js';
import { badRequest, forbidden, notFound } from '../http/faults.js';
import { ENCRYPTION_UNSUPPORTED } from '../service/unsupported.js';

const policy = (c: Call, action: string): void => {
  if (!c.ctx.isAdmin) throw forbidden(`Policy doesn't allow volume_extension:volume_type_encryption:${action} to be performed.`);
};
const missing = (typeId: string) => notFound(`Volume type encryption for type ${typeId} does not exist.`);

export function registerEncryptionRoutes(r: Router): void {
  r.get('/types/:id/encryption', h(async (req, res, c) => {
    policy(c, 'get');
    await c.svc.types.resolve(String(req.params.id));
    res.json({});
  }));
  r.get('/types/:id/encryption/:key', h(async (req, _res, c) => {
    policy(c, 'get');
    const t = await c.svc.types.resolve(String(req.params.id));
    throw missing(t.id);
  }));
  r.post('/types/:id/encryption', h(async (req, _res, c) => {
    policy(c, 'create');
    const body = (req.body as Record<string, unknown> | undefined)?.encryption;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest("Missing required element 'encryption' in request body.");
    await c.svc.types.resolve(String(req.params.id));
    throw badRequest(`Invalid input received: ${ENCRYPTION_UNSUPPORTED}`);
  }));
  r.put('/types/:id/encryption/:eid', h(async (req, _res, c) => {
    policy(c, 'update');
    const t = await c.svc.types.resolve(String(req.params.id));
    throw missing(t.id);
  }));
  r.delete('/types/:id/encryption/:eid', h(async (req, _res, c) => {
    policy(c, 'delete');
    const t = await c.svc.types.resolve(String(req.params.id));
    throw missing(t.id);
  }));
}
