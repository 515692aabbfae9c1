import type { Request, Router } from 'express';
import { rcEntry } from '../../model/apicallrc.js';
import { ApiError } from '../../model/errors.js';
import type { ControllerContext } from '../context.js';
import { createPassphrase, enterPassphrase, modifyPassphrase, passphraseStatus } from '../encryption/index.js';
import { route } from '../http/handler.js';

const CTRL = { obj: 'CTRL_CONF' as const };

function passphraseBody(req: Request): { new_passphrase?: unknown; old_passphrase?: unknown } {
  const b = req.body as unknown;
  if (!b || typeof b !== 'object' || Array.isArray(b)) {
    throw new ApiError('API_CALL_PARSE_ERROR', 'The request body must be a JSON object {"new_passphrase": ..., "old_passphrase": ...}.', { correction: 'Send a PassPhraseCreate object.' });
  }
  return b as { new_passphrase?: unknown; old_passphrase?: unknown };
}

/** PATCH sends the passphrase as a bare JSON string (python-linstor, golinstor); `{passphrase}` is accepted too. */
function enteredPassphrase(req: Request): unknown {
  const b = req.body as unknown;
  if (typeof b === 'string') return b;
  if (b && typeof b === 'object' && 'passphrase' in b) return (b as { passphrase: unknown }).passphrase;
  throw new ApiError('API_CALL_PARSE_ERROR', 'The request body must be the passphrase as a JSON string.', { correction: 'Send e.g. "my secret" with Content-Type: application/json.' });
}

/** `/v1/encryption/passphrase`: status, create, modify and enter the master passphrase (§3.8). */
export function registerEncryptionRoutes(r: Router, ctx: ControllerContext): void {
  const { reporter } = ctx;

  r.get('/v1/encryption/passphrase', route(reporter, CTRL, 200, () => ({ json: [{ status: passphraseStatus(ctx.state) }] })));

  r.post('/v1/encryption/passphrase', route(reporter, { ...CTRL, op: 'CRT' }, 201, async (req) => {
    await createPassphrase(ctx, passphraseBody(req).new_passphrase);
    return { rc: [rcEntry('CREATED', 'Crypt passphrase created.', { ...CTRL, op: 'CRT' })] };
  }));

  r.put('/v1/encryption/passphrase', route(reporter, { ...CTRL, op: 'MOD' }, 200, async (req) => {
    const b = passphraseBody(req);
    await modifyPassphrase(ctx, b.old_passphrase, b.new_passphrase);
    return { rc: [rcEntry('MODIFIED', 'Crypt passphrase updated', { ...CTRL, op: 'MOD' })] };
  }));

  r.patch('/v1/encryption/passphrase', route(reporter, CTRL, 200, async (req) => {
    await enterPassphrase(ctx, enteredPassphrase(req));
    return { rc: [rcEntry('PASSPHRASE_ACCEPTED', 'Passphrase accepted', CTRL)] };
  }));
}
