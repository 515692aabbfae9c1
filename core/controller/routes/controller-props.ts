import type { Router } from 'express';
import type { ControllerContext } from '../context.js';

export function registerControllerRoutes(_r: Router, _ctx: ControllerContext): void {
  // Routes of this family are added here.
}
