/**
 * `linstor` with no command: a prompt that takes the same commands as the command line, with
 * TAB completion of sub-commands, flags and object names from the command tree. Errors are
 * printed and the shell carries on; `exit`/`quit` or Ctrl-D leave. Like linstor-client: a blank
 * line after each answer, an unknown command lists the commands, a lost controller ends the
 * shell (exit 20), history in ~/.config/linstor/client.history.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { COMMANDS } from './commands/index.js';
import { commandList, LIST_HEADER } from './commands/local.js';
import { complete, controllerFetcher } from './completion.js';
import { run, type Io } from './run.js';
import { session } from './session.js';
import { transaction } from './transaction.js';

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

/** readline's completer: candidates for the word under the cursor. */
export async function completeLine(line: string, globalArgs: string[], env: NodeJS.ProcessEnv): Promise<[string[], string]> {
  let words: string[];
  try { words = splitLine(line); } catch { return [[], '']; }
  if (words[0] === 'linstor') words = words.slice(1);
  if (/\s$/.test(line) || !line) words.push('');
  const cur = words[words.length - 1] ?? '';
  const hits = await complete(words, controllerFetcher([...globalArgs, ...words], env));
  return [hits.map((h) => `${h} `).length === 1 ? [`${hits[0]} `] : hits, cur];
}

const HISTORY = '.config/linstor/client.history';

function loadHistory(file: string | undefined): string[] {
  if (!file) return [];
  try { return readFileSync(file, 'utf8').split('\n').filter(Boolean).reverse().slice(0, 1000); } catch { return []; }
}

function saveHistory(file: string | undefined, history: string[]): void {
  if (!file) return;
  try { mkdirSync(dirname(file), { recursive: true }); writeFileSync(file, `${[...history].reverse().join('\n')}\n`); } catch { /* history is a convenience */ }
}

/** Top-level names and aliases the shell knows (anything else is "not known"). */
const known = (w: string): boolean => COMMANDS.some((c) => c.name === w || c.aliases?.includes(w)) || w === 'exit' || w === 'quit';

export async function interactive(globalArgs: string[], io: Io, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<number> {
  session.interactive = true;
  const historyFile = io.env.HOME ? join(io.env.HOME, HISTORY) : undefined;
  const rl = createInterface({
    input, output, prompt: PROMPT, terminal: true, history: loadHistory(historyFile), historySize: 1000,
    completer: (line: string, cb: (err: Error | null, r: [string[], string]) => void) => { void completeLine(line, globalArgs, io.env).then((r) => cb(null, r), (e) => cb(e as Error, [[], line])); },
  });
  const listCommands = (): void => io.out(`${LIST_HEADER}${commandList(COMMANDS)}\n`);
  const unknown = (w: string): void => { io.out(`\nCommand "${w}" not known!\n`); listCommands(); };
  listCommands();
  io.out('\n');
  const prompt = (): void => { rl.setPrompt(`${transaction.prompt} ==> `); rl.prompt(); };
  // Ctrl-C leaves the shell, as in linstor-client.
  rl.on('SIGINT', () => { io.out('\n'); rl.close(); });
  prompt();
  let last = 0;
  for await (const line of rl) {
    let words: string[];
    try { words = splitLine(line); } catch (e) { io.err(`Error: ${(e as Error).message}\n`); prompt(); continue; }
    if (words[0] === 'linstor') words = words.slice(1);
    if (!words.length) listCommands();
    else {
      const w = words[0]!;
      if (w === 'exit' || w === 'quit') break;
      const cmd = w === '?' ? ['help', ...words.slice(1)] : words;
      last = await run([...globalArgs, ...cmd], io);
      if (last === 2) {
        if (!known(w)) unknown(w);
        else if (w === 'help' && words[1] && !known(words[1])) unknown(words[1]);
        else if (w !== 'help' && !cmd.includes('-h') && !cmd.includes('--help')) io.err(`\nIncorrect syntax. Use 'help ${w}' for more information:\n`);
      }
      if (last === 20) break;
      if (last !== 0 && transaction.active && transaction.terminateOnError) transaction.active = false;
    }
    io.out('\n');
    prompt();
  }
  saveHistory(historyFile, (rl as unknown as { history: string[] }).history ?? []);
  rl.close();
  session.interactive = false;
  return last === 20 ? last : 0;
}
