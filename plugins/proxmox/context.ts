/**
 * What every hook gets: the validated storage section, this node's name, a lazily connected
 * client (hooks that need no controller make no request) and a place for NOTICE lines that
 * the Perl shim prints into the PVE task log.
 */
import { RC } from '../../core/client/index.js';
import { hostname } from 'node:os';
import pino, { type Logger } from 'pino';
import type { LinstorApiError, LinstorClient } from '../../core/client/index.js';
import type { LinstorStorage } from './linstor-storage.js';

export interface HookContext {
  storage: LinstorStorage;
  storeid: string;
  /** LINSTOR node name of this PVE node. */
  node: string;
  cacheDir: string;
  notices: string[];
  log: Logger;
  linstor(): Promise<LinstorClient>;
  /** True once a hook asked for the client (so the controller was, or was tried to be, reached). */
  usedController(): boolean;
}

/** A request PVE made that we refuse with a clear message (bad input, unsupported): no error report. */
export class PveRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PveRefusal';
  }
}

export const DEFAULT_CACHE_DIR = '/var/cache/linstor-pve';

/** LINSTOR_PVE_NODE (tests) wins over what PVE::INotify::nodename() said, then the short hostname. */
export function nodeName(fromPve: unknown, env: NodeJS.ProcessEnv = process.env): string {
  if (env.LINSTOR_PVE_NODE) return env.LINSTOR_PVE_NODE;
  if (typeof fromPve === 'string' && fromPve) return fromPve;
  return hostname().split('.')[0]!;
}

export function makeContext(storage: LinstorStorage, opts: { node: string; cacheDir?: string; log?: Logger; client?: LinstorClient }): HookContext {
  let client: Promise<LinstorClient> | undefined = opts.client ? Promise.resolve(opts.client) : undefined;
  return {
    storage,
    storeid: storage.storeid,
    node: opts.node,
    cacheDir: opts.cacheDir ?? process.env.LINSTOR_PVE_CACHE_DIR ?? DEFAULT_CACHE_DIR,
    notices: [],
    log: opts.log ?? pino({ level: process.env.LINSTOR_LOG_LEVEL ?? 'warn', base: { component: 'proxmox-hook' } }, pino.destination(2)),
    // Loaded on first use: hooks that need no controller (parse_volname) skip the HTTP stack.
    linstor() { client ??= import('./connect.js').then((m) => m.connect(storage)); return client; },
    usedController: () => client !== undefined,
  };
}

/** True when the controller answered 404 (the object does not exist). */
export const isNotFound = (e: unknown): boolean => isApiError(e) && e.status === 404;

/** Duck-typed so this module does not load the client (and axios) for hooks that need none. */
export function isApiError(e: unknown): e is LinstorApiError {
  return e instanceof Error && e.name === 'LinstorApiError' && typeof (e as { status?: unknown }).status === 'number';
}

/** Runs `f` and treats "not found" as done: deletes are idempotent. */
export async function ignoreNotFound<T>(f: () => Promise<T>): Promise<T | undefined> {
  try { return await f(); } catch (e) { if (isNotFound(e)) return undefined; throw e; }
}

export const isNoController = (e: unknown): boolean => e instanceof Error && e.name === 'NoControllerError';

/** The controller does not implement the call (LINSTOR answers 404 UNKNOWN_API_CALL). */
export const isUnknownApiCall = (e: unknown): boolean => isApiError(e) && e.hasCode(RC.UNKNOWN_API_CALL);

