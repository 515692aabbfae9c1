/**
 * `drbd-options` / `drbd-peer-options` as linstor-client builds them: one `--<option>` per DRBD
 * option of the object's sections (handlers as `--handler-<name>`, `timeout` as `--drbd-timeout`),
 * each with a hidden `--unset-<option>`; values checked against the option table in
 * core/model/drbd-options.ts before anything is sent.
 */
import { checkDrbdOption, DRBD_OPTIONS, type DrbdOption, type DrbdSection } from '../../model/drbd-options.js';
import { showReplies, type Ctx } from '../context.js';
import { UsageError, type ArgSpec, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { SUB } from './common.js';

export const RESOURCE_SECTIONS: DrbdSection[] = ['Resource', 'Disk', 'Net', 'PeerDevice', 'Handlers'];
export const VOLUME_SECTIONS: DrbdSection[] = ['Disk', 'PeerDevice'];
export const PEER_SECTIONS: DrbdSection[] = ['Net', 'PeerDevice'];

const flagName = (o: DrbdOption): string => (o.section === 'Handlers' ? `handler-${o.name}` : o.name === 'timeout' ? 'drbd-timeout' : o.name);

/** The options one command offers, by flag name, sorted like linstor-client (first section wins a clash). */
export function optionsFor(sections: DrbdSection[]): Map<string, DrbdOption> {
  const m = new Map<string, DrbdOption>();
  for (const s of sections) for (const o of DRBD_OPTIONS.values()) if (o.section === s && !m.has(flagName(o))) m.set(flagName(o), o);
  return new Map([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function helpFor(o: DrbdOption): string | undefined {
  const unit = o.unit ? `; Unit: ${o.prefix === 'k' && o.unit === 'bytes/second' ? 'KiB/s' : o.unit}` : '';
  switch (o.type) {
    case 'bool': return `yes/no (Default: ${o.dflt ?? 'None'})`;
    case 'numeric-or-symbol': return `Integer between [${o.min}-${o.max}] or one of ['${o.values!.join("','")}']`;
    case 'numeric': return `Range: [${o.min}${o.prefix && o.prefix !== '1' ? o.prefix : ''}, ${o.max}${o.prefix && o.prefix !== '1' ? o.prefix : ''}]; Default: ${o.dflt ?? 'None'}${unit}`;
    default: return undefined;
  }
}

function optSpecs(options: Map<string, DrbdOption>): OptSpec[] {
  const specs: OptSpec[] = [];
  for (const [name, o] of options) {
    specs.push({ name, kind: 'str', ...(o.type === 'enum' ? { choices: [...o.values!] } : {}), ...(o.type === 'bool' ? { choices: ['yes', 'no'], lower: true } : {}), help: helpFor(o) });
    specs.push({ name: `unset-${name}`, kind: 'bool', hidden: true });
  }
  return specs;
}

/** Parsed flags → {override_props, delete_props}, each only when non-empty, as python-linstor sends them. */
export function propsModifyFromFlags(options: Map<string, DrbdOption>, p: Parsed): { override_props?: Record<string, string>; delete_props?: string[] } {
  const override: Record<string, string> = {};
  const del: string[] = [];
  for (const [name, o] of options) {
    const v = p.opt[name];
    const unset = p.opt[`unset-${name}`] === true;
    if (typeof v === 'string' && unset) throw new UsageError('Error: You are not allowed to set and unset an option at the same time!');
    if (typeof v === 'string') override[o.key] = checkDrbdOption(o.key, v);
    if (unset) del.push(o.key);
  }
  return { ...(Object.keys(override).length ? { override_props: override } : {}), ...(del.length ? { delete_props: del } : {}) };
}

/**
 * A drbd-options style command. `send` gets the props-modify body and returns the replies;
 * `type` is the word in the description ("resource", "volume", "peer-device").
 */
export function drbdOptionsCommand(opts: {
  peer?: boolean; type: string; sections: DrbdSection[]; args: ArgSpec[];
  send: (ctx: Ctx, p: Parsed, body: ReturnType<typeof propsModifyFromFlags>) => Promise<unknown>;
}): CmdSpec {
  const options = optionsFor(opts.sections);
  return {
    ...(opts.peer ? SUB.drbdPeerOptions : SUB.drbdOptions),
    help: `Set DRBD ${opts.type} options on the given LINSTOR object. Use --unset-[option_name] to unset.`,
    args: opts.args, opts: optSpecs(options),
    run: async (ctx, p) => showReplies(ctx, await opts.send(ctx, p, propsModifyFromFlags(options, p))),
  };
}
