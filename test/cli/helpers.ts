import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/** dist/core/cli/main.js, from dist/test/cli/. */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'cli', 'main.js');

export interface CliResult { code: number; stdout: string; stderr: string }

/** Runs the real `linstor` executable as a child process (stdout is a pipe: ASCII tables; NO_COLOR by default, as linstor-client colours even pipes). */
export function linstor(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, LINSTOR_CLIENT_CONF: '/nonexistent', LS_CONTROLLERS: '', NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * Runs the same command in this process (core/cli/run.ts, what main.ts calls): no process start,
 * for tests that issue many commands. stdout is "not a terminal", as with `linstor ... | cat`.
 */
export async function linstorInProcess(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const { run } = await import('../../core/cli/run.js');
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    out: (s) => { stdout += s; }, err: (s) => { stderr += s; }, isTTY: false, errTTY: false,
    env: { PATH: process.env.PATH, LINSTOR_CLIENT_CONF: '/nonexistent', NO_COLOR: '1', ...env },
  });
  return { code, stdout, stderr };
}
