/**
 * Lists of features this controller has none of (external files): LINSTOR's clients list them
 * in ordinary commands (`file list`, `advise`), so they answer empty lists in LINSTOR's shapes.
 */
import type { Router } from 'express';
import type * as api from '../../api/index.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';

export function registerEmptyFeatureRoutes(r: Router, ctx: ControllerContext): void {
  const { reporter } = ctx;
  const files: api.ExternalFile[] = [];
  r.get('/v1/files', route(reporter, { obj: 'EXT_FILES' }, 200, () => ({ json: files })));
}
