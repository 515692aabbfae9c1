/**
 * The GUI's entry: navigation by URL hash (#/nodes, #/resource-definitions/NAME), the current
 * view, polling for live updates, and the login form when the controller wants a user.
 */
import { credentials } from './api.js';
import { onChanged } from './actions.js';
import { dashboard } from './dashboard.js';
import { detail, hasDetail } from './detail.js';
import './detail-pages.js';
import { fill, h } from './dom.js';
import { LISTS } from './lists.js';
import { loginForm } from './login.js';
import { clearMessages, onLoginRequired, restoreCarriedMessages, showError } from './messages.js';
import { listView } from './table.js';

/**
 * How often the shown page re-reads the API. Each GET revalidates with its ETag (api.ts): when
 * nothing changed the answers are bodiless 304s and the page draws nothing.
 */
const POLL_MS = 5000;

const SECTIONS: Array<[string, string]> = [
  ['', 'Dashboard'], ['nodes', 'Nodes'], ['storage-pools', 'Storage pools'], ['resource-groups', 'Resource groups'],
  ['resource-definitions', 'Resource definitions'], ['resources', 'Resources'], ['volumes', 'Volumes'], ['snapshots', 'Snapshots'], ['error-reports', 'Error reports'],
];

let current: { refresh(): Promise<void> } | undefined;
let showingLogin = false;

function route(): { section: string; names: string[] } {
  const decode = (p: string) => { try { return decodeURIComponent(p); } catch { return p; } };
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decode);
  return { section: parts[0] ?? '', names: parts.slice(1) };
}

function drawNav(section: string): void {
  fill(document.getElementById('nav')!, SECTIONS.map(([id, label]) => h('a', { href: `#/${id}`, 'aria-current': id === section ? 'page' : undefined }, label)));
  const user = credentials.user();
  fill(document.getElementById('who')!, user ? [h('span', {}, user), h('button', { type: 'button', onclick: () => { credentials.clear(); location.reload(); } }, 'Sign out')] : []);
}

function show(): void {
  showingLogin = false;
  const { section, names } = route();
  drawNav(section);
  const main = document.getElementById('main')!;
  const title = SECTIONS.find(([id]) => id === section)?.[1] ?? section;
  let view: { el: HTMLElement; refresh(): Promise<void> };
  const isDetail = hasDetail(section, names.length) && (names.length > 0 || !(section in LISTS));
  if (isDetail) view = detail(section, names);
  else if (section in LISTS) view = listView(LISTS[section as keyof typeof LISTS] as Parameters<typeof listView>[0]);
  else view = dashboard();
  document.title = `${isDetail ? names.join(' ') || title : title} – LINSTOR`;
  fill(main, isDetail ? null : h('h1', {}, title), h('div', { id: 'messages' }), view.el);
  restoreCarriedMessages();
  current = view;
  void refresh();
}

let inFlight: { refresh(): Promise<void> } | undefined;
let again = false;
async function refresh(): Promise<void> {
  const v = current;
  if (!v || showingLogin) return;
  // One refresh of a view at a time (a large dashboard can take longer than the poll
  // interval); one asked for meanwhile (after an action) runs when it ends.
  if (inFlight === v) { again = true; return; }
  inFlight = v;
  try { await v.refresh(); } catch (e) { if (v === current) showError(e); } finally { if (inFlight === v) inFlight = undefined; }
  if (again && v === current) { again = false; await refresh(); }
}

onLoginRequired(() => {
  if (showingLogin) return;
  showingLogin = true;
  current = undefined;
  drawNav('');
  fill(document.getElementById('main')!, h('div', { id: 'messages' }), loginForm(() => show()));
});
onChanged(() => { void refresh(); });

window.addEventListener('hashchange', () => { clearMessages(); show(); });
setInterval(() => {
  // Not while a dialog is open or the tab is hidden.
  if (document.hidden || document.querySelector('dialog[open]')) return;
  void refresh();
}, POLL_MS);
show();
