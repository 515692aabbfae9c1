/**
 * Command-line options of the daemons (linstor-controller, linstor-cinder-api, ...): one parser
 * that answers --help (and --version) and reports a bad option as "NAME: error: ..." with the
 * usage line and exit code 2, instead of a stack trace.
 */
import { parseArgs } from 'node:util';

export interface BinOption {
  type: 'string' | 'boolean';
  short?: string;
  default?: string;
  /** Placeholder in the help, e.g. DIR. */
  metavar?: string;
  help: string;
}

export interface BinSpec {
  name: string;
  /** One paragraph under the usage line. */
  summary: string;
  options: Record<string, BinOption>;
  /** Printed by --version when given. */
  version?: string;
}

export type BinValues = Record<string, string | boolean | undefined>;

const flag = (name: string, o: BinOption): string => `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.metavar ?? name.toUpperCase().replace(/-/g, '_')}` : ''}`;

function all(spec: BinSpec): Record<string, BinOption> {
  return {
    help: { type: 'boolean', short: 'h', help: 'show this help message and exit' },
    ...(spec.version ? { version: { type: 'boolean', help: "show the program's version and exit" } as BinOption } : {}),
    ...spec.options,
  };
}

export function binUsage(spec: BinSpec): string {
  const parts = Object.entries(all(spec)).map(([n, o]) => `[${o.short && o.type === 'boolean' ? `-${o.short}` : flag(n, o).replace(/^-\w, /, '')}]`);
  return `usage: ${spec.name} ${parts.join(' ')}\n`;
}

export function binHelp(spec: BinSpec): string {
  const lines = Object.entries(all(spec)).map(([n, o]) => {
    const f = `  ${flag(n, o)}`;
    const help = o.default !== undefined ? `${o.help} (default: ${o.default})` : o.help;
    return f.length <= 22 ? `${f.padEnd(24)}${help}` : `${f}\n${' '.repeat(24)}${help}`;
  });
  return `${binUsage(spec)}\n${spec.summary}\n\noptions:\n${lines.join('\n')}\n`;
}

/** Parses argv; prints help/version/errors and exits where argparse would. */
export function binArgs(spec: BinSpec, argv: string[] = process.argv.slice(2)): BinValues {
  const options = Object.fromEntries(Object.entries(all(spec)).map(([n, o]) => [n, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.default !== undefined ? { default: o.default } : {}) }]));
  let values: BinValues;
  try {
    values = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as BinValues;
  } catch (e) {
    process.stderr.write(`${binUsage(spec)}${spec.name}: error: ${(e as Error).message.replace(/\. To specify a positional.*$/s, '')}\n`);
    process.exit(2);
  }
  if (values.help) { process.stdout.write(binHelp(spec)); process.exit(0); }
  if (values.version) { process.stdout.write(`${spec.version}\n`); process.exit(0); }
  return values;
}
