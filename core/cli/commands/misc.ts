/** `linstor sos-report create|download` and `linstor space-reporting query`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, showReplies, type Ctx } from '../context.js';
import { pyJson } from '../output.js';
import { list, obool, ostr, type CmdSpec, type OptSpec, type Parsed } from '../spec.js';
import { fromFile, fromFileOpt, SUB } from './common.js';
import { parseSince } from './error-reports.js';

type Obj = Record<string, any>;

const sosOpts = (download: boolean): OptSpec[] => [
  { name: 'since', short: 's', kind: 'str', help: download ? 'Create sos-report with logs since n days. e.g. "3days"' : 'Create an SOS report with logs since n days, for example, "3days"' },
  { name: 'nodes', short: 'n', kind: 'list', complete: 'node', help: download ? 'Only include the given nodes in the sos-report' : 'Only include the specified nodes in the SOS report' },
  { name: 'resources', short: 'r', kind: 'list', complete: 'resource', help: download ? 'Only include nodes that have the given resources deployed in the sos-report' : 'Only include in the SOS report nodes that have the specified resources deployed.' },
  { name: 'exclude-nodes', short: 'e', kind: 'list', complete: 'node', help: download ? 'Do not include the given nodes in the sos-report' : 'Do not include the specified nodes in the SOS report.' },
  { name: 'no-controller', kind: 'bool', help: 'Do not include the controller in the sos-report' },
];

const sosQuery = (p: Parsed): Obj => ({
  nodes: list(p, 'nodes'), rscs: list(p, 'resources'), exclude: list(p, 'exclude-nodes'), 'include-ctrl': !obool(p, 'no-controller'),
  ...(ostr(p, 'since') ? { since: Math.floor(parseSince(ostr(p, 'since')!) / 1000) * 1000 } : {}),
});

async function download(ctx: Ctx, p: Parsed): Promise<number> {
  const r = await ctx.client.transport.requestRaw('GET', '/v1/sos-report/download', sosQuery(p));
  const disp = /attachment;\s*filename\s*=\s*"?([^";\s]+)"?/.exec(r.headers['content-disposition'] ?? '');
  const name = disp ? disp[1]!.replace(/.*\//, '') : 'linstor.out';
  const target = (p.pos.path as string | undefined) ? join(String(p.pos.path), name) : name;
  writeFileSync(target, r.body);
  return showReplies(ctx, [{ ret_code: 0n, message: `File saved to: ${target}`, obj_refs: { path: target } }]);
}

export const sosReportCommand: CmdSpec = {
  name: 'sos-report', aliases: ['sos'], help: 'SOS report subcommands', title: 'SOS report commands',
  sub: [
    {
      ...SUB.create, help: 'Create an SOS report on the controller (by default in the `/var/log/linstor-controller` directory).', opts: sosOpts(false),
      run: async (ctx, p) => showReplies(ctx, await ctx.client.transport.get('/v1/sos-report', sosQuery(p))),
    },
    {
      ...SUB.download, help: 'Create a sos report and downloads it', args: [{ name: 'path', optional: true, complete: 'file', help: 'Directory where to download the sos report' }], opts: sosOpts(true),
      run: download,
    },
  ],
};

export const spaceReportingCommand: CmdSpec = {
  name: 'space-reporting', aliases: ['spr'], help: 'Space reporting subcommands', title: 'Space reporting commands',
  sub: [{
    ...SUB.query, help: 'Show a report of monthly storage space tracking for the LINSTOR cluster.', opts: [fromFileOpt],
    run: async (ctx, p) => {
      const r = fromFile<Obj>(p) ?? await ctx.client.transport.get<Obj>('/v1/space-report');
      if (ctx.machine) { ctx.out(`${pyJson([r])}\n`); return ExitCode.OK; }
      ctx.out(`${r?.reportText ?? ''}\n`); // python-linstor's SpaceReport.report is reportText; print() adds the newline
      return ExitCode.OK;
    },
  }],
};
