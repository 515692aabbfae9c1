/**
 * The gRPC server: loads the CSI spec (proto/csi.proto, shipped with the plugin), registers
 * Identity always, Controller in controller/monolith mode and Node in node/monolith mode,
 * and wraps every handler so that requests are logged without secrets and every failure
 * becomes a gRPC status.
 */
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { PluginContext } from './context.js';
import { LinstorApiError, LinstorConnectionError } from '../../core/client/index.js';
import { CsiError, toGrpcError } from './errors.js';
import * as identity from './identity.js';
import { createVolume } from './controller/create.js';
import { controllerModifyVolume } from './controller/modify.js';
import { controllerPublishVolume, controllerUnpublishVolume } from './controller/publish.js';
import { createSnapshot, deleteSnapshot, getSnapshot, listSnapshots } from './controller/snapshots.js';
import { controllerExpandVolume, controllerGetVolume, deleteVolume, getCapacity, listVolumes, validateVolumeCapabilities } from './controller/volumes.js';
import { nodeExpandVolume, nodeGetCapabilities, nodeGetInfo, nodeGetVolumeStats } from './node/info.js';
import { nodePublishVolume, nodeUnpublishVolume } from './node/publish.js';
import { nodeStageVolume, nodeUnstageVolume } from './node/stage.js';

/** Where the spec lives: next to the sources, whether we run from dist/ or from the tree. */
export function protoPath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const p of [join(here, 'proto', 'csi.proto'), join(here, '..', '..', '..', 'plugins', 'nomad-csi', 'proto', 'csi.proto')]) {
    if (existsSync(p)) return p;
  }
  throw new Error('csi.proto not found next to the plugin');
}

export const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadCsi(): any {
  const def = protoLoader.loadSync(protoPath(), LOADER_OPTIONS);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (grpc.loadPackageDefinition(def) as any).csi.v1;
}

type Handler = (ctx: PluginContext, req: any) => unknown | Promise<unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any

function redact(req: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...req };
  if (out.secrets && Object.keys(out.secrets as object).length) out.secrets = '***';
  return out;
}

const secretValues = (req: Record<string, unknown>): string[] =>
  Object.values((req.secrets ?? {}) as Record<string, unknown>).map(String);

/** The call and the volume it was about, for the report (never the request's secrets). */
function rpcAction(name: string, req: Record<string, unknown>): string {
  const about = ['volume_id', 'name', 'snapshot_id', 'source_volume_id'].map((k) => req[k]).find((v) => typeof v === 'string' && v);
  return about ? `${name} ${String(about)}` : name;
}

function wrap(ctx: PluginContext, name: string, fn: Handler): grpc.handleUnaryCall<any, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (call, callback) => {
    const started = Date.now();
    const req = call.request as Record<string, unknown>;
    const quiet = name === 'Probe' || name.endsWith('GetCapabilities');
    if (!quiet) ctx.log.debug({ rpc: name, req: redact(req) }, 'request');
    Promise.resolve()
      .then(() => fn(ctx, req))
      .then((res) => {
        if (!quiet) ctx.log.info({ rpc: name, ms: Date.now() - started }, 'ok');
        callback(null, res);
      })
      .catch((e: unknown) => {
        const err = toGrpcError(e);
        // Refusals (CsiError) and the controller's answers are not ours to report (the controller
        // writes its own); anything else — a bug, a command that failed — is.
        if (!(e instanceof CsiError || e instanceof LinstorApiError || e instanceof LinstorConnectionError)) {
          void ctx.reporter.report(e, { action: rpcAction(name, req), secrets: secretValues(req) });
        }
        ctx.log[err.code === grpc.status.INTERNAL ? 'error' : 'info']({ rpc: name, code: grpc.status[err.code], msg: err.message, ms: Date.now() - started }, 'failed');
        callback({ code: err.code, details: err.message, message: err.message } as grpc.ServiceError);
      });
  };
}

export function buildServer(ctx: PluginContext): grpc.Server {
  const csi = loadCsi();
  const server = new grpc.Server();
  const w = (name: string, fn: Handler) => wrap(ctx, name, fn);
  server.addService(csi.Identity.service, {
    GetPluginInfo: w('GetPluginInfo', identity.getPluginInfo),
    GetPluginCapabilities: w('GetPluginCapabilities', identity.getPluginCapabilities),
    Probe: w('Probe', identity.probe),
  });
  if (ctx.mode !== 'node') {
    server.addService(csi.Controller.service, {
      CreateVolume: w('CreateVolume', createVolume),
      DeleteVolume: w('DeleteVolume', deleteVolume),
      ControllerPublishVolume: w('ControllerPublishVolume', controllerPublishVolume),
      ControllerUnpublishVolume: w('ControllerUnpublishVolume', controllerUnpublishVolume),
      ValidateVolumeCapabilities: w('ValidateVolumeCapabilities', validateVolumeCapabilities),
      ListVolumes: w('ListVolumes', listVolumes),
      GetCapacity: w('GetCapacity', getCapacity),
      ControllerGetCapabilities: w('ControllerGetCapabilities', identity.controllerGetCapabilities),
      CreateSnapshot: w('CreateSnapshot', createSnapshot),
      DeleteSnapshot: w('DeleteSnapshot', deleteSnapshot),
      ListSnapshots: w('ListSnapshots', listSnapshots),
      GetSnapshot: w('GetSnapshot', getSnapshot),
      ControllerExpandVolume: w('ControllerExpandVolume', controllerExpandVolume),
      ControllerGetVolume: w('ControllerGetVolume', controllerGetVolume),
      ControllerModifyVolume: w('ControllerModifyVolume', controllerModifyVolume),
    });
  }
  if (ctx.mode !== 'controller') {
    server.addService(csi.Node.service, {
      NodeStageVolume: w('NodeStageVolume', nodeStageVolume),
      NodeUnstageVolume: w('NodeUnstageVolume', nodeUnstageVolume),
      NodePublishVolume: w('NodePublishVolume', nodePublishVolume),
      NodeUnpublishVolume: w('NodeUnpublishVolume', nodeUnpublishVolume),
      NodeGetVolumeStats: w('NodeGetVolumeStats', nodeGetVolumeStats),
      NodeExpandVolume: w('NodeExpandVolume', nodeExpandVolume),
      NodeGetCapabilities: w('NodeGetCapabilities', nodeGetCapabilities),
      NodeGetInfo: w('NodeGetInfo', nodeGetInfo),
    });
  }
  return server;
}

/** `unix:///csi/csi.sock`, `unix://csi/csi.sock` (as in the guide's job: relative to /) or a bare path. */
export function socketPathOf(endpoint: string): string {
  if (endpoint.startsWith('unix://')) {
    const rest = endpoint.slice('unix://'.length);
    return rest.startsWith('/') ? rest : `/${rest}`;
  }
  if (endpoint.startsWith('unix:')) return endpoint.slice('unix:'.length);
  if (endpoint.startsWith('/')) return endpoint;
  throw new Error(`CSI endpoint '${endpoint}' is not a unix socket (unix:///path/csi.sock)`);
}

/** Binds on the unix socket (a stale socket from a previous run is removed first). */
export async function listen(server: grpc.Server, endpoint: string): Promise<string> {
  const path = socketPathOf(endpoint);
  mkdirSync(dirname(path), { recursive: true });
  if (existsSync(path)) unlinkSync(path);
  await new Promise<number>((res, rej) => server.bindAsync(`unix://${path}`, grpc.ServerCredentials.createInsecure(), (e, port) => (e ? rej(e) : res(port))));
  chmodSync(path, 0o600);
  return path;
}
