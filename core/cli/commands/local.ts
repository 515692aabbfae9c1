/** Commands that need no controller: help, list-commands, interactive, exit, completion, man-page. */
import { ExitCode, type Ctx } from '../context.js';
import { bashScript, zshScript } from '../completion.js';
import { formatHelp } from '../help.js';
import { manPage } from '../man.js';
import { session } from '../session.js';
import { list, obool, str, UsageError, type CmdSpec } from '../spec.js';

/** Lines of `list-commands`: "- node (n)" for every visible family, sorted. */
export function commandList(tree: CmdSpec[]): string {
  return [...tree].filter((c) => !c.hidden).sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((c) => `- ${c.name}${c.aliases?.length ? ` (${c.aliases.join(', ')})` : ''}`).join('\n');
}

function treeLines(cmds: CmdSpec[], indent: number): string[] {
  return [...cmds].filter((c) => !c.hidden).sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((c) => [`${' '.repeat(indent)}- ${c.name}${c.aliases?.length ? ` (${[...c.aliases].sort((x, y) => x.length - y.length)[0]})` : ''}`, ...treeLines(c.sub ?? [], indent + 2)]);
}

export const LIST_HEADER = 'Use "help <command>" to get help for a specific command.\n\nAvailable commands:\n';

export function localCommands(tree: () => CmdSpec[]): CmdSpec[] {
  const walk = (words: string[]): { cmd: CmdSpec; path: string[] } => {
    let level = tree();
    let cmd: CmdSpec | undefined;
    const path: string[] = [];
    for (const w of words) {
      cmd = level.find((c) => c.name === w || c.aliases?.includes(w)) ?? level.filter((c) => c.name.startsWith(w)).at(0);
      if (!cmd) throw new UsageError(`Command "${w}" not known!`);
      path.push(cmd.name);
      level = cmd.sub ?? [];
    }
    if (!cmd) throw new UsageError('the following arguments are required: command');
    return { cmd, path };
  };
  return [
    {
      name: 'help', local: true, help: 'Print help for a command', args: [{ name: 'command', variadic: '*', help: 'The command to describe' }],
      run: async (ctx: Ctx, p) => {
        if (!list(p, 'command').length) { ctx.out(`${LIST_HEADER}${commandList(tree())}\n`); return ExitCode.OK; }
        const { cmd, path } = walk(list(p, 'command'));
        ctx.out(formatHelp(path, cmd));
        return ExitCode.OK;
      },
    },
    {
      name: 'list-commands', aliases: ['commands', 'list'], local: true, help: 'List available commands',
      opts: [{ name: 'tree', short: 't', kind: 'bool', help: 'Print a tree view of all commands.' }],
      run: async (ctx: Ctx, p) => {
        ctx.out(LIST_HEADER + (obool(p, 'tree') ? treeLines(tree(), 0).join('\n') : commandList(tree())) + '\n');
        return ExitCode.OK;
      },
    },
    {
      name: 'interactive', local: true, help: 'Start interactive mode',
      run: async (ctx: Ctx) => {
        if (session.interactive) { ctx.err('The client is already running in interactive mode\n'); return ExitCode.OK; }
        return session.startShell ? session.startShell() : ExitCode.OK;
      },
    },
    { name: 'exit', aliases: ['quit'], local: true, hidden: true, help: 'Only useful in interactive mode', run: async () => ExitCode.OK },
    {
      name: 'completion', local: true, help: 'Print a shell completion script generated from the command tree (bash: source <(linstor completion bash); zsh: source <(linstor completion zsh)).',
      args: [{ name: 'shell', choices: ['bash', 'zsh'], help: 'Shell to complete in' }],
      run: async (ctx: Ctx, p) => { ctx.out(str(p, 'shell') === 'zsh' ? zshScript() : bashScript()); return ExitCode.OK; },
    },
    { name: 'gen-zsh-completer', local: true, hidden: true, help: 'Generate a zsh completion script', run: async (ctx: Ctx) => { ctx.out(zshScript()); return ExitCode.OK; } },
    { name: 'man-page', local: true, hidden: true, help: 'Print the linstor(8) manual page (roff), generated from the command tree: linstor man-page | man -l -', run: async (ctx: Ctx) => { ctx.out(manPage(tree())); return ExitCode.OK; } },
  ];
}
