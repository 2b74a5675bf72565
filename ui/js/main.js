/**
 * The UI's frame: hash routes (#/topology, #/switches, #/switch/DPID, #/apps[/NAME], #/health,
 * #/cluster),
 * one topology model for every page, kept live by the event stream and resynced from REST on
 * every (re)connect, and the token handling.
 */
import { initAuth } from './auth.js';
import { appsView } from './apps-view.js';
import { clusterMode, clusterView } from './cluster-view.js';
import { EventStream } from './events.js';
import { healthView } from './health-view.js';
import { TopologyModel } from './model.js';
import { switchesView, switchView } from './switch-view.js';
import { topologyView } from './topology-view.js';

const main = document.getElementById('main');
const live = document.getElementById('live');
const model = new TopologyModel();
window.weft = { model, resyncs: 0 };

const ROUTES = [
  [/^#\/topology$/, () => topologyView(main, { model })],
  [/^#\/switches$/, () => switchesView(main, { model })],
  [/^#\/switch\/([0-9a-f]{16})$/, (m) => switchView(main, { dpid: m[1] })],
  [/^#\/apps(?:\/([\w-]+))?$/, (m) => appsView(main, { name: m[1] })],
  [/^#\/health$/, () => healthView(main)],
  [/^#\/cluster$/, () => clusterView(main)],
];

let cleanup;
function route() {
  cleanup?.();
  cleanup = undefined;
  const hash = location.hash || '#/topology';
  for (const [re, view] of ROUTES) {
    const m = re.exec(hash);
    if (!m) continue;
    cleanup = view(m);
    const section = hash.split('/')[1];
    for (const a of document.querySelectorAll('[data-nav]')) {
      const cur = a.dataset.nav === section || (section === 'switch' && a.dataset.nav === 'switches');
      if (cur) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
    }
    return;
  }
  location.hash = '#/topology';
}

let first = true;
window.weft.stream = new EventStream({
  onOpen: async () => {
    window.weft.resyncs++;
    try {
      await model.resync();
    } catch (e) {
      live.textContent = `resync failed: ${e.message}`;
    }
    if (first) { first = false; route(); }
  },
  onEvent: (e) => { window.weft.lastEvent = e; model.apply(e); },
  onStatus: (s) => {
    live.textContent = s === 'live' ? 'live' : s === 'connecting' ? 'connecting…' : 'reconnecting…';
    live.dataset.state = s;
  },
});
window.addEventListener('hashchange', route);
// A cluster instance names itself in the header and gets the Cluster page.
clusterMode().then((c) => {
  if (!c) return;
  const badge = document.getElementById('instance');
  badge.textContent = `instance ${c.instance}`;
  badge.hidden = false;
  document.querySelector('[data-nav=cluster]').hidden = false;
});
initAuth(document.getElementById('auth-button')).catch(() => {});
