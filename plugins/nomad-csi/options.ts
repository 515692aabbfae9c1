/**
 * linstor-csi's command line and environment, in one place: main.ts runs on them, and the
 * example job files are checked against them (test/csi/examples.test.ts), so an example can
 * never name a flag or variable the plugin does not take.
 */
import { parseArgs } from 'node:util';

export const CSI_OPTIONS = {
  'csi-endpoint': { type: 'string' }, node: { type: 'string' }, 'linstor-endpoint': { type: 'string' },
  'log-level': { type: 'string' }, 'plugin-name': { type: 'string' }, mode: { type: 'string' },
  'state-dir': { type: 'string' }, 'linstor-skip-tls-verification': { type: 'boolean' },
  help: { type: 'boolean' }, version: { type: 'boolean' },
} as const;

/** Every environment variable the plugin reads (main.ts and csiClientAccess). */
export const CSI_ENV = [
  'CSI_ENDPOINT', 'CSI_NODE_ID', 'LS_CONTROLLERS', 'LOG_LEVEL', 'CSI_MODE', 'CSI_STATE_DIR',
  'LS_USER_CERTIFICATE', 'LS_USER_KEY', 'LS_ROOT_CA', 'LS_USERNAME', 'LS_PASSWORD',
] as const;

export const CSI_MODES = ['monolith', 'controller', 'node'] as const;

/** Parses argv as the plugin does (unknown flags throw). */
export function parseCsiArgs(argv: readonly string[]) {
  // Go's flag package also takes booleans as --flag=true/false, as Nomad jobs may write them.
  const args = argv.flatMap((a) => {
    const m = /^(--?linstor-skip-tls-verification)=(true|false|1|0)$/i.exec(a);
    return m ? (/^(true|1)$/i.test(m[2]!) ? ['--linstor-skip-tls-verification'] : []) : [a];
  });
  return parseArgs({ args, options: CSI_OPTIONS, strict: true }).values;
}
