import type { Request, Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { validateRequest } from '../../api/validate.js';
import type { ControllerContext } from '../context.js';
import { createPassphrase, enterPassphrase, modifyPassphrase, passphraseStatus } from '../encryption/index.js';
import { route } from '../http/handler.js';

const CTRL = { obj: 'CTRL_CONF' as const };

/** PATCH sends the passphrase as a bare JSON string (python-linstor, golinstor); `{passphrase}` is accepted too. */
function enteredPassphrase(req: Request): string {
  const b = req.body as unknown;
  const raw = b && typeof b === 'object' && 'passphrase' in b ? (b as { passphrase: unknown }).passphrase : b;
  return validateRequest('PATCH /v1/encryption/passphrase', raw);
}

/** `/v1/encryption/passphrase`: status, create, modify and enter the master passphrase (§3.8). */
export function registerEncryptionRoutes(r: Router, ctx: ControllerContext): void {
  const { reporter } = ctx;

  r.get('/v1/encryption/passphrase', route(reporter, CTRL, 200, () => ({ json: [{ status: passphraseStatus(ctx.state) }] })));

  r.post('/v1/encryption/passphrase', route(reporter, { ...CTRL, op: 'CRT', body: 'POST /v1/encryption/passphrase' }, 201, async (_req, _res, b) => {
    await createPassphrase(ctx, b.new_passphrase);
    return { rc: [rcEntry('CREATED', 'Crypt passphrase created.', { ...CTRL, op: 'CRT' })] };
  }));

  r.put('/v1/encryption/passphrase', route(reporter, { ...CTRL, op: 'MOD', body: 'PUT /v1/encryption/passphrase' }, 200, async (_req, _res, b) => {
    await modifyPassphrase(ctx, b.old_passphrase, b.new_passphrase);
    return { rc: [rcEntry('MODIFIED', 'Crypt passphrase updated', { ...CTRL, op: 'MOD' })] };
  }));

  r.patch('/v1/encryption/passphrase', route(reporter, CTRL, 200, async (req) => {
    await enterPassphrase(ctx, enteredPassphrase(req));
    return { rc: [rcEntry('PASSPHRASE_ACCEPTED', 'Passphrase accepted', CTRL)] };
  }));
}
