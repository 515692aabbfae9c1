/**
 * `linstor` with no command on a terminal: a prompt that takes the same commands as the
 * command line. Errors are printed and the shell carries on; `exit`/`quit` or Ctrl-D leave.
 */
import { createInterface } from 'node:readline';
import { COMMANDS } from './commands/index.js';
import { resolve, run, topUsage, type Io } from './run.js';
import { usage } from './spec.js';

export const PROMPT = 'LINSTOR ==> ';

/** Splits a typed line like a POSIX shell would for plain words and '...' / "..." quotes. */
export function splitLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let has = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") { quote = c; has = true; }
    else if (c === '\\' && i + 1 < line.length) { cur += line[++i]; has = true; }
    else if (/\s/.test(c)) { if (has || cur) out.push(cur); cur = ''; has = false; }
    else cur += c;
  }
  if (quote) throw new Error('unterminated quote');
  if (has || cur) out.push(cur);
  return out;
}

function help(words: string[], io: Io): void {
  if (!words.length) {
    io.out(`${topUsage()}\nShell commands:\n  help [command ...]             Show help\n  exit, quit                     Leave the shell\n`);
    return;
  }
  try {
    const { cmd, path } = resolve(words);
    io.out(usage(path, cmd));
  } catch (e) {
    io.err(`Error: ${(e as Error).message}\n`);
  }
}

export async function interactive(globalArgs: string[], io: Io, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<number> {
  const rl = createInterface({
    input, output, prompt: PROMPT, terminal: true,
    completer: (line: string) => {
      const names = COMMANDS.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
      const hits = names.filter((n) => n.startsWith(line.trim()));
      return [hits.length ? hits : names, line];
    },
  });
  io.out('Use "help <command>" to get help for a specific command.\n\nAvailable commands:\n');
  io.out(COMMANDS.map((c) => `- ${c.name} (${(c.aliases ?? []).join(', ')})`).join('\n') + '\n\n');
  rl.prompt();
  for await (const line of rl) {
    let words: string[];
    try { words = splitLine(line); } catch (e) { io.err(`Error: ${(e as Error).message}\n`); rl.prompt(); continue; }
    if (words.length) {
      const w = words[0]!.toLowerCase();
      if (w === 'exit' || w === 'quit') break;
      if (w === 'help' || w === '?') help(words.slice(1), io);
      else {
        const rc = await run([...globalArgs, ...words], io);
        if (rc !== 0) io.err(`(exit code ${rc})\n`);
      }
    }
    rl.prompt();
  }
  rl.close();
  return 0;
}
