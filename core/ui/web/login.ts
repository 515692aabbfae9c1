/**
 * The login form, shown when the controller answers 401 (LDAP users, README "Security").
 * The credentials are sent as HTTP basic, as linstor-client sends them.
 */
import { api, credentials, LoginRequired } from './api.js';
import { h, uid } from './dom.js';
import { showEntries, showError } from './messages.js';

export function loginForm(onDone: () => void): HTMLElement {
  const userId = uid('user');
  const passId = uid('password');
  const user = h('input', { id: userId, name: 'username', autocomplete: 'username', required: true });
  const password = h('input', { id: passId, name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const insecure = location.protocol === 'http:' && !/^(localhost|127\.|\[::1\])/.test(location.hostname);
  const form = h('form', { class: 'login', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in'),
    h('p', {}, 'The controller requires a user.'),
    insecure ? h('p', { class: 'state-warn' }, 'This page is not served over HTTPS: the password travels in clear text. Use the controller\'s HTTPS port.') : null,
    h('label', { for: userId }, 'User name', user),
    h('label', { for: passId }, 'Password', password),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    credentials.set(user.value, password.value);
    // A call that needs a user: the nodes list (the version is public).
    api('GET', '/v1/nodes?limit=1').then(() => { password.value = ''; onDone(); }, (e: unknown) => {
      credentials.clear();
      if (e instanceof LoginRequired) showEntries(e.entries);
      else showError(e);
      password.focus();
    });
  });
  queueMicrotask(() => user.focus());
  return form;
}
