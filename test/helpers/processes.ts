/**
 * Processes below a pid, read from /proc (Linux): tests check that a stream stage (zstd,
 * `zfs send` stand-ins) left no process behind after an abort or a failure.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** `comm` is the kernel's name (kept for zombies, whose argv is empty); `state` Z is a zombie. */
export interface ProcInfo { pid: number; ppid: number; comm: string; state: string; argv: string[] }

function info(pid: number): ProcInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ')'.
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    return { pid, ppid: Number(ppid), comm, state: state ?? '?', argv };
  } catch { return undefined; } // gone meanwhile
}

/** Every live descendant of `root` (children, grandchildren, ...), zombies included. */
export function descendants(root: number): ProcInfo[] {
  const all = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map((d) => info(Number(d))).filter((p): p is ProcInfo => !!p);
  const out: ProcInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (parents.has(p.ppid) && !parents.has(p.pid)) { parents.add(p.pid); out.push(p); grew = true; }
  }
  return out;
}

/** Descendants of `root` whose program (argv[0] without its folder, or comm) is `name`. */
export function descendantsNamed(root: number, name: string): ProcInfo[] {
  return descendants(root).filter((p) => (p.argv[0] ?? '').split('/').pop() === name || p.comm === name.slice(0, 15));
}
