/**
 * External files: `/v1/files` (register, list, show, delete), deploying them with a resource
 * definition (`/v1/resource-definitions/{r}/files/{path}`), and asking a node's satellite
 * whether it may write one (`check`) and what it has on disk (`status`). Paths arrive
 * URL-encoded in one segment (`%2Fetc%2Fx.conf`), as LINSTOR's clients send them.
 */
import type { Request, Router } from 'express';
import { rcEntry, type ApiCallRc } from '../../model/apicallrc.js';
import { ApiError, Errors } from '../../model/errors.js';
import {
  checkAltSuffixes, checkExtFilePath, decodeContent, deployPropKey, sha256Of, type ExternalFile,
} from '../../model/ext-files.js';
import { nameKey } from '../../model/names.js';
import type { ExtFileStatus } from '../../model/satellite-protocol.js';
import type { ControllerContext } from '../context.js';
import { route } from '../http/handler.js';
import { boolParam } from '../http/query.js';
import { getNode, getResourceDefinition, resourcesOf } from '../lookup.js';
import { applyAndReport, isOnline } from '../services/apply.js';
import type { ClusterState } from '../state/cluster-state.js';
import { nodesDeploying } from './desired.js';
import { waitNodesApplied, writeFailures } from './wait.js';

const OBJ = 'EXT_FILES' as const;

function pathParam(req: Request): string {
  return checkExtFilePath(String(req.params.path));
}

function getFile(state: ClusterState, path: string): ExternalFile {
  const f = state.externalFiles.get(path);
  if (!f) throw Errors.notFound('FAIL_NOT_FOUND_EXT_FILE', 'External file', path, { obj: OBJ });
  return f;
}

/** The REST API's ExternalFile. */
function fileView(f: ExternalFile, withContent: boolean): Record<string, unknown> {
  return { path: f.path, ...(withContent ? { content: f.content } : {}), ...(f.altSuffixes?.length ? { alt_suffixes: f.altSuffixes } : {}) };
}

export function registerExtFileRoutes(r: Router, ctx: ControllerContext): void {
  const { state, reporter } = ctx;

  r.get('/v1/files', route(reporter, { obj: OBJ }, 200, (req) => {
    const withContent = boolParam(req, 'content', false);
    return { json: [...state.externalFiles.values()].sort((a, b) => a.path.localeCompare(b.path)).map((f) => fileView(f, withContent)) };
  }));

  r.get('/v1/files/:path', route(reporter, { obj: OBJ }, 200, (req) => ({ json: fileView(getFile(state, pathParam(req)), true) })));

  r.put('/v1/files/:path', route(reporter, { obj: OBJ, op: 'MOD', body: 'PUT /v1/files/{extFileName}' }, 200, async (req, _res, b) => {
    const path = pathParam(req);
    const content = b.content === undefined || b.content === null || b.content === '' ? undefined : decodeContent(b.content);
    const altSuffixes = checkAltSuffixes(b.alt_suffixes);
    const created = await state.mutate((tx) => {
      const old = state.externalFiles.get(path);
      if (!old && !content) throw new ApiError('FAIL_INVLD_EXT_FILE', 'The content must not be null or empty', { correction: 'Send the file content base64-encoded in "content".' });
      tx.put(state.externalFiles, path, {
        path,
        content: content ? content.toString('base64') : old!.content,
        ...((altSuffixes ?? old?.altSuffixes)?.length ? { altSuffixes: altSuffixes ?? old!.altSuffixes } : {}),
      });
      return !old;
    });
    const rc: ApiCallRc[] = [rcEntry(created ? 'CREATED' : 'MODIFIED', `External file '${path}' ${created ? 'created' : 'modified'}.`, {
      obj: OBJ, op: created ? 'CRT' : 'MOD', details: `sha256 ${sha256Of(Buffer.from(state.externalFiles.get(path)?.content ?? '', 'base64'))}`,
    })];
    const nodes = nodesDeploying(state, path);
    rc.push(...await waitNodesApplied(ctx, nodes, 'MOD'), ...writeFailures(ctx, nodes, path));
    return { rc };
  }));

  r.delete('/v1/files/:path', route(reporter, { obj: OBJ, op: 'DEL' }, 200, async (req) => {
    const path = pathParam(req);
    if (!state.externalFiles.get(path)) {
      return { rc: [rcEntry('WARN_NOT_FOUND', `External file '${path}' not found in LINSTOR database.`, { obj: OBJ, op: 'DEL' })] };
    }
    const nodes = nodesDeploying(state, path);
    // The file goes, and every definition stops deploying it (the satellites remove it).
    await state.mutate((tx) => {
      tx.delete(state.externalFiles, path);
      for (const rd of state.resourceDefinitions.values()) {
        if (rd.props[deployPropKey(path)] === undefined) continue;
        const props = { ...rd.props };
        delete props[deployPropKey(path)];
        tx.put(state.resourceDefinitions, nameKey(rd.name), { ...rd, props });
      }
    });
    const rc = [rcEntry('DELETED', `External file '${path}' deleted.`, { obj: OBJ, op: 'DEL' })];
    rc.push(...await waitNodesApplied(ctx, nodes, 'DEL'));
    return { rc };
  }));

  r.get('/v1/files/:path/check/:node', route(reporter, { obj: OBJ }, 200, async (req) => {
    // LINSTOR answers "not allowed" for an unknown node, a bad name or an unreachable satellite.
    let allowed = false;
    try {
      const path = pathParam(req);
      const node = getNode(state, String(req.params.node));
      if (isOnline(ctx, node.name)) allowed = (await ctx.links.request<{ allowed: boolean }>(nameKey(node.name), { type: 'ext-file-check', path })).allowed === true;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    return { json: { allowed } };
  }));

  r.get('/v1/files/:path/status/:node', route(reporter, { obj: OBJ }, 200, async (req) => {
    const f = getFile(state, pathParam(req));
    const node = getNode(state, String(req.params.node));
    if (!isOnline(ctx, node.name)) {
      return { rc: [rcEntry('WARN_NOT_CONNECTED', 'Node is offline', { obj: 'NODE', objRefs: { Node: node.name } })], status: 503 };
    }
    const s = await ctx.links.request<ExtFileStatus>(nameKey(node.name), {
      type: 'ext-file-status', path: f.path, sha256: sha256Of(Buffer.from(f.content, 'base64')), ...(f.altSuffixes?.length ? { altSuffixes: f.altSuffixes } : {}),
    });
    return { json: { ...(s.actualPath ? { actual_path: s.actualPath } : {}), content_match: s.contentMatch === true } };
  }));

  const setDeployed = async (req: Request, deploy: boolean): Promise<{ rc: ApiCallRc[] }> => {
    const path = pathParam(req);
    const rdName = getResourceDefinition(state, String(req.params.rd)).name;
    const key = deployPropKey(path);
    const changed = await state.mutate((tx) => {
      const rd = getResourceDefinition(state, rdName);
      if (deploy) getFile(state, path);
      if ((rd.props[key] === 'True') === deploy) return false;
      const props = { ...rd.props };
      if (deploy) props[key] = 'True'; else delete props[key];
      tx.put(state.resourceDefinitions, nameKey(rd.name), { ...rd, props });
      return true;
    });
    const rc = [rcEntry('MODIFIED', deploy
      ? `External file '${path}' is deployed with resource definition '${rdName}'.`
      : `External file '${path}' is no longer deployed with resource definition '${rdName}'.`, {
      obj: 'RSC_DFN', op: 'MOD', objRefs: { RscDfn: rdName },
    })];
    const placed = resourcesOf(state, rdName);
    if (changed && placed.length) rc.push(...await applyAndReport(ctx, placed.map((p) => ({ rdName, nodeName: p.nodeName })), 'modify'));
    if (deploy) rc.push(...writeFailures(ctx, placed.map((p) => nameKey(p.nodeName)), path));
    return { rc };
  };
  r.post('/v1/resource-definitions/:rd/files/:path', route(reporter, { obj: 'RSC_DFN', op: 'MOD' }, 200, (req) => setDeployed(req, true)));
  r.delete('/v1/resource-definitions/:rd/files/:path', route(reporter, { obj: 'RSC_DFN', op: 'MOD' }, 200, (req) => setDeployed(req, false)));
}
