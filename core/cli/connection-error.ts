/**
 * What to say when no controller answers: every address tried with its error, where that list
 * came from, and what to check. linstor-client says only "Unable to connect to ..."; people then
 * have to guess whether the service is down or the address is wrong.
 */
import { configFilePaths } from '../client/controllers.js';
import type { LinstorConnectionError } from '../client/errors.js';

export function connectionErrorText(e: LinstorConnectionError, env: NodeJS.ProcessEnv): string {
  const lines = [`Error: Unable to connect to ${e.controllers.join(', ')}`];
  e.controllers.forEach((c, i) => lines.push(`  ${c}: ${e.causes[i] ?? 'no answer'}`));
  lines.push(
    'No LINSTOR controller answered. Check that:',
    '  - linstor-controller is running on that host and listening on that port (default 3370, 3371 for HTTPS)',
    '    (e.g. systemctl status linstor-controller);',
    '  - the controller addresses are right. They come from, in this order: the --controllers option,',
    `    the LS_CONTROLLERS environment variable${env.LS_CONTROLLERS ? ` (now: ${env.LS_CONTROLLERS})` : ''}, the "controllers" key in the [global]`,
    `    section of ${configFilePaths(env).join(' or ')}, else localhost:3370;`,
    '  - no firewall blocks the port.',
  );
  return `${lines.join('\n')}\n`;
}
