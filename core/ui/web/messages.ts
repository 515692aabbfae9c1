/**
 * Shows what the controller answered: each ApiCallRc entry with its message, cause and
 * correction, as `linstor` prints them. Errors are announced (role=alert).
 */
import { ApiError, isErrorRc, isWarnRc, LoginRequired, type RcEntry } from './api.js';
import { fill, h } from './dom.js';

function entryView(e: RcEntry): HTMLElement {
  const kind = isErrorRc(e) ? 'error' : isWarnRc(e) ? 'warn' : 'ok';
  return h('div', { class: `msg ${kind}`, 'data-kind': kind },
    h('p', {}, h('span', { class: 'k' }, kind === 'error' ? 'ERROR: ' : kind === 'warn' ? 'WARNING: ' : 'SUCCESS: '), h('span', { class: 'message' }, e.message)),
    e.cause ? h('p', { class: 'cause' }, h('span', { class: 'k' }, 'Cause: '), e.cause) : null,
    e.correction ? h('p', { class: 'correction' }, h('span', { class: 'k' }, 'Correction: '), e.correction) : null,
    e.details ? h('p', { class: 'details' }, h('span', { class: 'k' }, 'Details: '), e.details) : null);
}

/** The region where action results appear (above the page's content). */
export function messageArea(): HTMLElement {
  return document.getElementById('messages') ?? h('div', { id: 'messages' });
}

/** Shows a list of ApiCallRc entries (an action's answer). */
export function showEntries(entries: RcEntry[]): void {
  const area = messageArea();
  const hasError = entries.some(isErrorRc);
  area.setAttribute('role', hasError ? 'alert' : 'status');
  fill(area, entries.map(entryView));
  if (hasError) area.scrollIntoView({ block: 'nearest' });
}

let loginRequired: () => void = () => {};
/** What to do when the controller wants a user (main.ts shows the login form). */
export function onLoginRequired(fn: () => void): void { loginRequired = fn; }

/** Shows any failure: the controller's entries, or the error's own text; a 401 asks for a login. */
export function showError(e: unknown): void {
  if (e instanceof LoginRequired) { loginRequired(); return; }
  if (e instanceof ApiError) showEntries(e.entries);
  else showEntries([{ ret_code: -1, message: e instanceof Error ? e.message : String(e) }]);
}

export function clearMessages(): void { fill(messageArea()); }

let carried: { role: string | null; nodes: Node[] } | undefined;

/** Keeps the answer shown across the next page change (a deleted object's page leaves for its list). */
export function carryMessagesOver(): void {
  const area = messageArea();
  carried = { role: area.getAttribute('role'), nodes: [...area.childNodes] };
}

/** Puts a carried answer into the new page's message area (main.ts, after drawing a page). */
export function restoreCarriedMessages(): void {
  if (!carried) return;
  const area = messageArea();
  if (carried.role) area.setAttribute('role', carried.role);
  fill(area, carried.nodes);
  carried = undefined;
}
