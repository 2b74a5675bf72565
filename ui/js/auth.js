/**
 * The REST token: asked once when the server needs one for writes, kept in sessionStorage for
 * the browser session. Without it the pages are read-only (forms are disabled).
 */
const KEY = 'weft.token';
let needed = false;
const listeners = new Set();

export const authNeeded = () => needed;
export const token = () => sessionStorage.getItem(KEY);
/** Writes are possible: no token needed, or one is kept. */
export const canWrite = () => !needed || !!token();

export function setToken(t) {
  if (t) sessionStorage.setItem(KEY, t);
  else sessionStorage.removeItem(KEY);
  for (const f of listeners) f();
}

export function onAuthChange(f) { listeners.add(f); return () => listeners.delete(f); }

/** Learn from the server whether writes need a token; ask for it once per session. */
export async function initAuth(button) {
  const res = await fetch('/ui/config.json');
  needed = res.ok ? (await res.json()).auth === true : false;
  const render = () => {
    button.hidden = !needed;
    button.textContent = token() ? 'Sign out' : 'Sign in';
    button.setAttribute('aria-label', token() ? 'Forget the REST token' : 'Enter the REST token to make changes');
  };
  button.addEventListener('click', () => {
    if (token()) setToken(null);
    else ask();
  });
  onAuthChange(render);
  if (needed && !token() && !sessionStorage.getItem(`${KEY}.asked`)) {
    sessionStorage.setItem(`${KEY}.asked`, '1');
    ask();
  }
  render();
}

function ask() {
  const t = window.prompt('This weft needs a REST token for changes. Token (cancel for read-only):');
  if (t) setToken(t.trim());
}
