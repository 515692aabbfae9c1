/**
 * The dashboard: nodes online/offline, capacity per storage pool, resources by state, recent
 * error reports, controller version and role — each from the public REST API.
 */
import type { ErrorReport, Node as LinstorNode, ResourceWithVolumes, StoragePool } from '../../api/generated/types.js';
import { api, listAll, listPage, unchanged } from './api.js';
import { type Child, h, swapIfChanged } from './dom.js';
import { kib, when } from './format.js';
import { resourceState } from './lists.js';

interface Health { role?: string; store?: string; active_controller?: string | null }

/** Resources beyond this many are counted from /v1/stats only (the states from the first ones). */
const STATE_SAMPLE = 20_000;

function card(title: string, ...body: Child[]): HTMLElement {
  const id = `card-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...body);
}

function poolBar(p: StoragePool): HTMLElement {
  const total = p.total_capacity ?? 0;
  const used = total - (p.free_capacity ?? 0);
  const pct = total > 0 ? Math.round((used / total) * 100) : 0;
  const label = `${p.storage_pool_name} on ${p.node_name}`;
  return h('div', { class: 'pool' },
    h('div', {}, `${label}: ${kib(used)} of ${kib(total)} used (${pct}%)`),
    // <meter>: no inline style (the CSP forbids it), and screen readers announce it.
    h('meter', { class: pct >= 90 ? 'high' : '', 'aria-label': `${label} used`, min: 0, max: 100, low: 75, high: 90, optimum: 0, value: pct }, `${pct}%`));
}

export function dashboard(): { el: HTMLElement; refresh(): Promise<void> } {
  const el = h('div', { class: 'cards' });
  let drawn: unknown[] | undefined;
  async function refresh(): Promise<void> {
    const [version, healthText, nodes, pools, resources, rscCount, errCount] = await Promise.all([
      api<{ version: string; rest_api_version: string }>('GET', '/v1/controller/version'),
      // Not an API call (no ETag): compared by its text.
      fetch('/health', { cache: 'no-store' }).then((r) => r.text()).catch(() => ''),
      listAll<LinstorNode>('/v1/nodes'),
      listAll<StoragePool>('/v1/view/storage-pools'),
      listAll<ResourceWithVolumes>('/v1/view/resources', 2000, STATE_SAMPLE),
      api<{ count: number }>('GET', '/v1/stats/resources'),
      api<{ count: number }>('GET', '/v1/stats/error-reports'),
    ]);
    const recent = errCount.count ? await listPage<ErrorReport>('/v1/error-reports', 5, Math.max(0, errCount.count - 5)) : [];
    // Every call answered 304 (and /health said the same): nothing to draw.
    const inputs = [version, healthText, nodes, pools, resources, rscCount, errCount, recent];
    if (unchanged(drawn, inputs)) return;
    drawn = inputs;
    let health: Health = {};
    try { health = JSON.parse(healthText) as Health; } catch { /* an empty /health: role unknown */ }
    const online = nodes.filter((n) => n.connection_status === 'ONLINE').length;
    const byState = { ok: 0, warn: 0, bad: 0 };
    for (const r of resources) byState[resourceState(r).health]++;
    const satellites = nodes.filter((n) => n.type !== 'CONTROLLER' && n.type !== 'AUXILIARY');
    const offline = satellites.filter((n) => n.connection_status !== 'ONLINE');
    const shownPools = pools.filter((p) => p.provider_kind !== 'DISKLESS');
    swapIfChanged(el, [
      card('Nodes',
        h('p', { class: 'big', 'data-testid': 'nodes-online' }, `${online} of ${nodes.length} online`),
        offline.length ? h('p', { class: 'state-bad' }, `Not online: ${offline.map((n) => `${n.name} (${n.connection_status ?? 'unknown'})`).join(', ')}`) : h('p', { class: 'state-ok' }, 'All satellites online')),
      card('Resources',
        h('p', { class: 'big' }, `${rscCount.count} resources`),
        h('ul', { 'data-testid': 'resource-states' },
          h('li', { class: 'state-ok' }, `${byState.ok} UpToDate`),
          h('li', { class: 'state-warn' }, `${byState.warn} degraded or syncing`),
          h('li', { class: 'state-bad' }, `${byState.bad} failed`)),
        rscCount.count > resources.length ? h('p', { class: 'muted' }, `States of the first ${resources.length}.`) : null),
      card('Storage pool capacity', shownPools.length ? h('div', {}, shownPools.map(poolBar)) : h('p', { class: 'muted' }, 'No storage pools.')),
      card('Recent error reports',
        recent.length ? h('ul', {}, [...recent].reverse().map((e) => h('li', {}, `${when(e.error_time)} ${e.node_name ?? ''}: ${e.exception_message ?? e.exception ?? ''}`))) : h('p', { class: 'muted' }, 'None.'),
        h('p', {}, h('a', { href: '#/error-reports' }, `All ${errCount.count} error reports`))),
      card('Controller',
        h('p', {}, `Version ${version.version} (REST API ${version.rest_api_version})`),
        h('p', { 'data-testid': 'role' }, `Role: ${health.role ?? 'unknown'}${health.store ? `, store ${health.store}` : ''}`),
        h('p', {}, h('a', { href: '#/controller' }, 'Controller properties')))]);
  }
  return { el, refresh };
}
