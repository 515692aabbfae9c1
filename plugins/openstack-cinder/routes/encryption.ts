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
  r.post('/types/:id/encryption', h(async (req, _res, c) => {
    policy(c, 'create');
    const body = (req.body as Record<string, unknown> | undefined)?.encryption;
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest("Missing required element 'encryption' in request body.");
    await c.svc.types.resolve(String(req.params.id));
    throw badRequest(`Invalid input received: ${ENCRYPTION_UNSUPPORTED}`);
  }));
  // A type here never has an encryption spec: each one named is Cinder's 404.
  for (const [method, path, action] of [['get', '/types/:id/encryption/:key', 'get'], ['put', '/types/:id/encryption/:eid', 'update'], ['delete', '/types/:id/encryption/:eid', 'delete']] as const) {
    r[method](path, h(async (req, _res, c) => {
      policy(c, action);
      const t = await c.svc.types.resolve(String(req.params.id));
      throw missing(t.id);
    }));
  }
}
