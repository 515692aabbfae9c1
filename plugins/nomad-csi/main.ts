#!/usr/bin/env node
/**
 * linstor-csi: the CSI endpoint for Nomad. Takes the arguments of LINSTOR's CSI driver as
 * the guide's plugin job passes them:
 *   linstor-csi --csi-endpoint=unix://csi/csi.sock --node=${attr.unique.hostname} \
 *     --linstor-endpoint=http://ctrl:3370 --log-level=info
 */
import { unlinkSync } from 'node:fs';
import { csiClientAccess, DEFAULT_PLUGIN_NAME, DEFAULT_STATE_DIR, startPlugin, VERSION } from './plugin.js';
import type { PluginMode } from './context.js';
import { CSI_MODES, parseCsiArgs } from './options.js';

const USAGE = `Usage: linstor-csi [options]
  --csi-endpoint=unix:///csi/csi.sock   gRPC socket (env CSI_ENDPOINT)
  --node=NAME                           LINSTOR node name of this host (default: hostname)
  --linstor-endpoint=URL[,URL...]       LINSTOR controllers (env LS_CONTROLLERS)
  --linstor-skip-tls-verification       do not check the controller's certificate
                                        (TLS: env LS_USER_CERTIFICATE, LS_USER_KEY, LS_ROOT_CA as PEM text;
                                         login: LS_USERNAME, LS_PASSWORD)
  --log-level=info                      trace, debug, info, warn, error
  --plugin-name=${DEFAULT_PLUGIN_NAME}  must equal csi_plugin.id in the Nomad job
  --mode=monolith|controller|node       services to serve (default monolith)
  --state-dir=/var/lib/linstor-csi      node records of staged/published volumes, error reports no controller took yet (env CSI_STATE_DIR)
  --version`;

async function main(): Promise<void> {
  const values = parseCsiArgs(process.argv.slice(2));
  if (values.help) { process.stdout.write(`${USAGE}\n`); return; }
  if (values.version) { process.stdout.write(`linstor-csi ${VERSION}\n`); return; }
  const endpoint = values['csi-endpoint'] ?? process.env.CSI_ENDPOINT;
  if (!endpoint) { process.stderr.write(`--csi-endpoint or CSI_ENDPOINT is required\n${USAGE}\n`); process.exit(2); }
  const mode = (values.mode ?? process.env.CSI_MODE ?? 'monolith') as PluginMode;
  if (!(CSI_MODES as readonly string[]).includes(mode)) { process.stderr.write(`unknown mode '${mode}'\n`); process.exit(2); }
  const p = await startPlugin({
    endpoint, mode, nodeName: values.node ?? process.env.CSI_NODE_ID, linstorEndpoint: values['linstor-endpoint'] ?? process.env.LS_CONTROLLERS,
    logLevel: values['log-level'] ?? process.env.LOG_LEVEL ?? 'info', pluginName: values['plugin-name'],
    stateDir: values['state-dir'] ?? process.env.CSI_STATE_DIR ?? DEFAULT_STATE_DIR,
    ...csiClientAccess(process.env, values['linstor-skip-tls-verification'] === true),
  });
  const shutdown = (): void => {
    p.server.tryShutdown(() => {
      try { unlinkSync(p.socketPath); } catch { /* already gone */ }
      process.exit(0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`linstor-csi: ${(e as Error).message}\n`);
  process.exit(1);
});
