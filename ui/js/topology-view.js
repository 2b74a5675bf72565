/**
 * The topology page: the live graph, a find box, the path picker (two hosts -> the path weft
 * uses, from /topology/path, highlighted), details of what is selected, and a keyboard-usable
 * list of switches for those who cannot use the canvas.
 */
import { enc, get } from './api.js';
import { clear, h, shortDpid } from './dom.js';
import { TopologyGraph } from './graph.js';
import { UtilisationPoller } from './utilisation.js';

export function topologyView(root, { model }) {
  const cyBox = h('div', { id: 'cy', role: 'img', 'aria-label': 'Network graph: switches, links and hosts' });
  const counts = h('p', { id: 'topo-counts', role: 'status' });
  const details = h('div', { class: 'panel', id: 'details', 'aria-live': 'polite' }, h('h2', {}, 'Selection'), h('p', {}, 'Click a switch, link or host.'));
  const findInput = h('input', { id: 'find', type: 'search', placeholder: 'dpid, MAC or IP' });
  const srcSel = h('select', { id: 'path-src' });
  const dstSel = h('select', { id: 'path-dst' });
  const pathOut = h('div', { id: 'path-out', 'aria-live': 'polite' });
  let graph;

  const findForm = h('form', { class: 'panel', onsubmit: (ev) => { ev.preventDefault(); find(findInput.value.trim()); } },
    h('div', { class: 'field' }, h('label', { for: 'find' }, 'Find a switch or host'), findInput),
    h('button', { type: 'submit' }, 'Find'));
  const pathForm = h('form', { class: 'panel', 'aria-labelledby': 'path-h', onsubmit: (ev) => { ev.preventDefault(); showPath(); } },
    h('h2', { id: 'path-h' }, 'Path between two hosts'),
    h('div', { class: 'field' }, h('label', { for: 'path-src' }, 'From host'), srcSel),
    h('div', { class: 'field' }, h('label', { for: 'path-dst' }, 'To host'), dstSel),
    h('button', { type: 'submit' }, 'Show path'), ' ',
    h('button', { type: 'button', class: 'secondary', onclick: () => { graph?.highlight(null); clear(pathOut); } }, 'Clear'),
    pathOut);
  const legend = h('div', { class: 'panel legend' }, h('h2', {}, 'Legend'),
    h('p', {}, 'Squares: switches. Circles: hosts. Link width and colour: utilisation (green < 30 %, brown < 70 %, red above). Red dashed: a port is down; dashed: seen one way only.'));
  const list = h('details', { class: 'panel' }, h('summary', {}, 'Switch list'), h('ul', { id: 'switch-list' }));

  clear(root).append(h('h1', {}, 'Topology'), counts,
    h('div', { class: 'topo' }, cyBox, h('div', { class: 'side' }, findForm, pathForm, details, legend, list)));

  function find(q) {
    if (!q || !graph) return;
    const lq = q.toLowerCase();
    const sw = [...model.switches.keys()].find((d) => d === lq.padStart(16, '0') || shortDpid(d) === lq.replace(/^0x/, ''));
    const host = [...model.hosts.values()].find((x) => x.mac === lq || x.ipv4.includes(q) || x.ipv6.includes(lq));
    const id = sw ? `s:${sw}` : host ? `h:${host.mac}` : undefined;
    if (!id || !graph.focus(id)) { select(undefined, { notFound: q }); return; }
    select(id, graph.cy.getElementById(id).data());
  }

  function select(id, data) {
    const body = [];
    if (data?.notFound) body.push(h('p', {}, `Nothing called ${data.notFound}.`));
    else if (data?.kind === 'switch') {
      const s = model.switches.get(data.dpid);
      body.push(h('p', {}, h('a', { href: `#/switch/${data.dpid}` }, `Switch ${data.dpid}`)),
        h('p', {}, `Connected since ${s?.connectedAt ? new Date(s.connectedAt).toLocaleString() : '?'} from ${s?.remoteAddress ?? '?'}`));
    } else if (data?.kind === 'link') {
      body.push(h('p', {}, `Link ${shortDpid(data.a.dpid)}:${data.a.port} - ${shortDpid(data.b.dpid)}:${data.b.port}`),
        h('p', {}, `State: ${data.state}. Utilisation: ${data.util === undefined ? 'not measured yet' : `${(data.util * 100).toFixed(1)} %`}`));
    } else if (data?.kind === 'host') {
      const x = data.host;
      body.push(h('p', {}, `Host ${x.mac}`), h('p', {}, `Addresses: ${[...x.ipv4, ...x.ipv6].join(', ') || 'none seen'}`),
        h('p', {}, 'At ', h('a', { href: `#/switch/${x.at.dpid}` }, shortDpid(x.at.dpid)), ` port ${x.at.port}`));
    }
    clear(details).append(h('h2', {}, 'Selection'), ...body);
  }

  async function showPath() {
    clear(pathOut);
    if (!srcSel.value || !dstSel.value) return;
    try {
      const p = await get(`/api/v1/topology/path?src=${enc(srcSel.value)}&dst=${enc(dstSel.value)}`);
      graph.highlight(p);
      pathOut.append(h('ol', { id: 'path-hops' }, p.hops.map((x) => h('li', {}, `${shortDpid(x.dpid)}: in ${x.inPort} -> out ${x.outPort}`))));
    } catch (e) {
      graph.highlight(null);
      pathOut.append(h('p', { class: 'form-error', role: 'alert' }, e.message));
    }
  }

  function refreshSide() {
    counts.textContent = `${model.switches.size} switches, ${model.cables().length} links, ${model.hosts.size} hosts` + (model.topologyAvailable ? '' : ' (the topology app is not loaded: no links or hosts)');
    counts.dataset.switches = model.switches.size;
    counts.dataset.links = model.cables().length;
    counts.dataset.hosts = model.hosts.size;
    const hosts = [...model.hosts.values()].sort((a, b) => a.mac.localeCompare(b.mac));
    for (const sel of [srcSel, dstSel]) {
      const v = sel.value;
      clear(sel).append(h('option', { value: '' }, '(choose)'), ...hosts.map((x) => h('option', { value: x.mac }, `${x.ipv4[0] ?? ''} ${x.mac}`.trim())));
      sel.value = hosts.some((x) => x.mac === v) ? v : '';
    }
    const ul = list.querySelector('ul');
    if (list.open || model.switches.size <= 200) {
      clear(ul).append(...[...model.switches.keys()].sort().map((d) => h('li', {}, h('a', { href: `#/switch/${d}` }, d))));
    }
  }

  let sideTimer;
  const scheduleSide = () => { clearTimeout(sideTimer); sideTimer = setTimeout(refreshSide, 100); };
  list.addEventListener('toggle', refreshSide);

  graph = new TopologyGraph(cyBox, model, { onSelect: select });
  window.weftGraph = graph;
  refreshSide();
  let syncTimer;
  const off = model.on(() => {
    // Events fold into one sync per 50 ms: a burst costs one diff, a single change shows at once.
    if (!syncTimer) syncTimer = setTimeout(() => { syncTimer = undefined; graph.sync(); }, 50);
    scheduleSide();
  });
  const poller = new UtilisationPoller(model, (util) => graph.setUtil(util));
  return () => {
    off();
    poller.stop();
    clearTimeout(syncTimer);
    clearTimeout(sideTimer);
    graph.destroy();
  };
}

