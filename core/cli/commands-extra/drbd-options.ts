/**
 * `drbd-options` / `drbd-peer-options` for every object that carries DrbdOptions/* properties,
 * with one `--<option> VALUE` and one `--unset-<option>` flag per DRBD option, built from the
 * option table in core/model/drbd-options.ts and validated before anything is sent.
 */
import { ApiError } from '../../model/errors.js';
import { checkDrbdOption, describeDrbdOption, DRBD_OPTIONS, type DrbdOption, type DrbdSection } from '../../model/drbd-options.js';
import { showReplies, type Ctx } from '../context.js';
import { str, UsageError, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';

const seg = (s: string): string => encodeURIComponent(s);

export const ALL_SECTIONS: DrbdSection[] = ['Resource', 'Disk', 'Net', 'PeerDevice', 'Handlers', 'Linstor'];
export const VOLUME_SECTIONS: DrbdSection[] = ['Disk', 'PeerDevice'];
export const PEER_SECTIONS: DrbdSection[] = ['Net', 'PeerDevice'];

/** The options one command offers, by flag name (the first section listed wins a name clash). */
export function optionsFor(sections: DrbdSection[]): Map<string, DrbdOption> {
  const m = new Map<string, DrbdOption>();
  for (const s of sections) for (const o of DRBD_OPTIONS.values()) if (o.section === s && !m.has(o.name)) m.set(o.name, o);
  return m;
}

export function optSpecs(options: Map<string, DrbdOption>): OptSpec[] {
  const specs: OptSpec[] = [];
  for (const [name, o] of options) {
    specs.push({ name, kind: 'str', help: `${o.key}: ${describeDrbdOption(o)}` });
    specs.push({ name: `unset-${name}`, kind: 'bool', help: `Deletes ${o.key}` });
  }
  return specs;
}

/** Turns the parsed flags into a props-modify body; invalid values fail here, before any request. */
export function propsModifyFromFlags(options: Map<string, DrbdOption>, p: Parsed): { override_props: Record<string, string>; delete_props: string[] } {
  const override_props: Record<string, string> = {};
  const delete_props: string[] = [];
  for (const [name, o] of options) {
    const v = p.opt[name];
    const unset = p.opt[`unset-${name}`] === true;
    if (typeof v === 'string' && unset) throw new UsageError(`argument --unset-${name}: not allowed with argument --${name}`);
    if (typeof v === 'string') override_props[o.key] = checkDrbdOption(o.key, v);
    if (unset) delete_props.push(o.key);
  }
  if (!Object.keys(override_props).length && !delete_props.length) {
    throw new UsageError('no DRBD option given (use --<option> VALUE or --unset-<option>; --help lists them)');
  }
  return { override_props, delete_props };
}

interface Target {
  args: CmdSpec['args'];
  /** Method and path of the object's props-modify endpoint. */
  endpoint: (p: Parsed) => { method: 'POST' | 'PUT'; path: string };
}

function drbdCommand(name: 'drbd-options' | 'drbd-peer-options', help: string, sections: DrbdSection[], t: Target): CmdSpec {
  const options = optionsFor(sections);
  return {
    name, aliases: name === 'drbd-options' ? ['opt', 'dopt'] : ['popt', 'dpopt'], help, args: t.args, opts: optSpecs(options),
    run: async (ctx: Ctx, p: Parsed) => {
      const body = propsModifyFromFlags(options, p);
      const { method, path } = t.endpoint(p);
      const rc = method === 'POST' ? await ctx.client.transport.post(path, body) : await ctx.client.transport.put(path, body);
      return showReplies(ctx, rc);
    },
  };
}

const peerArgs = [{ name: 'node_a' }, { name: 'node_b' }, { name: 'resource_name' }];
const rscConnEndpoint = (p: Parsed): { method: 'PUT'; path: string } =>
  ({ method: 'PUT', path: `/v1/resource-definitions/${seg(str(p, 'resource_name'))}/resource-connections/${seg(str(p, 'node_a'))}/${seg(str(p, 'node_b'))}` });

/** Sub-commands to add to each command family, by family name. */
export const DRBD_OPTION_COMMANDS: Record<string, CmdSpec> = {
  controller: drbdCommand('drbd-options', 'Sets or unsets DRBD options for the whole cluster (controller level).', ALL_SECTIONS, {
    args: [], endpoint: () => ({ method: 'POST', path: '/v1/controller/properties' }),
  }),
  'resource-group': drbdCommand('drbd-options', 'Sets or unsets DRBD options of a resource group.', ALL_SECTIONS, {
    args: [{ name: 'resource_group' }], endpoint: (p) => ({ method: 'PUT', path: `/v1/resource-groups/${seg(str(p, 'resource_group'))}` }),
  }),
  'resource-definition': drbdCommand('drbd-options', 'Sets or unsets DRBD options of a resource definition.', ALL_SECTIONS, {
    args: [{ name: 'resource_name' }], endpoint: (p) => ({ method: 'PUT', path: `/v1/resource-definitions/${seg(str(p, 'resource_name'))}` }),
  }),
  'volume-definition': drbdCommand('drbd-options', 'Sets or unsets DRBD disk options of a volume definition.', VOLUME_SECTIONS, {
    args: [{ name: 'resource_name' }, { name: 'volume_nr' }],
    endpoint: (p) => {
      const nr = str(p, 'volume_nr');
      if (!/^\d+$/.test(nr)) throw new ApiError('API_CALL_PARSE_ERROR', `invalid volume number '${nr}'`);
      return { method: 'PUT', path: `/v1/resource-definitions/${seg(str(p, 'resource_name'))}/volume-definitions/${nr}` };
    },
  }),
  resource: drbdCommand('drbd-peer-options', 'Sets or unsets DRBD peer options between two nodes of a resource.', PEER_SECTIONS, { args: peerArgs, endpoint: rscConnEndpoint }),
  'resource-connection': drbdCommand('drbd-peer-options', 'Sets or unsets DRBD peer options of a resource connection.', PEER_SECTIONS, { args: peerArgs, endpoint: rscConnEndpoint }),
  'node-connection': drbdCommand('drbd-peer-options', 'Sets or unsets DRBD peer options of all resources between two nodes.', PEER_SECTIONS, {
    args: [{ name: 'node_a' }, { name: 'node_b' }],
    endpoint: (p) => ({ method: 'PUT', path: `/v1/node-connections/${seg(str(p, 'node_a'))}/${seg(str(p, 'node_b'))}` }),
  }),
};

/** Family aliases for families this module has to create because the CLI has none yet. */
export const FAMILY_ALIASES: Record<string, string[]> = {
  'resource-connection': ['rc'], 'node-connection': ['nc'],
};
