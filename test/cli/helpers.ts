import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** dist/core/cli/main.js, from dist/test/cli/. */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'cli', 'main.js');

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the real `linstor` executable as a child process (stdout is a pipe, so no colours). */
export function linstor(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
