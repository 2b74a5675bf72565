/**
 * One switch: its ports (state, counters, rates from two readings), its flow table grouped by
 * owner (the app whose cookie range holds the flow's cookie; others marked foreign) in
 * ovs-ofctl-like text, searchable and sortable, and its groups and meters.
 */
import { get } from './api.js';
import { clear, fmtBits, fmtNum, h } from './dom.js';
import { actionsText, matchText } from './flow-text.js';
import { sortableTable } from './sortable.js';
import { clusterColumns, clusterMode, pollCluster, rolesOf, switchMastership } from './cluster-view.js';

const APP_MASK = 0xffff000000000000n;
const PORT_POLL_MS = 2000;

/** cookie ("0x..") -> app name, or undefined for a flow no loaded app owns. */
export function ownerOf(cookie, apps) {
  let c;
  try { c = BigInt(cookie); } catch { return undefined; }
  const hi = c & APP_MASK;
  if (hi === 0n) return undefined;
  return apps.find((a) => (BigInt(a.cookieBase) & APP_MASK) === hi)?.name;
}

export function switchView(root, { dpid }) {
  const title = h('h1', {}, `Switch ${dpid}`);
  const info = h('p', { id: 'switch-info' });
  const mastership = h('p', { id: 'switch-mastership', hidden: true });
  const portsBox = h('section', { 'aria-labelledby': 'ports-h' }, h('h2', { id: 'ports-h' }, 'Ports'));
  const search = h('input', { id: 'flow-search', type: 'search', placeholder: 'match, action, cookie, owner' });
  const flowsBox = h('div', { id: 'flows-box', class: 'scroll' });
  const flowsMsg = h('p', { id: 'flows-msg', role: 'status' });
  const groupsBox = h('section', { 'aria-labelledby': 'groups-h' }, h('h2', { id: 'groups-h' }, 'Groups'));
  const metersBox = h('section', { 'aria-labelledby': 'meters-h' }, h('h2', { id: 'meters-h' }, 'Meters'));
  clear(root).append(title, info, mastership, portsBox,
    h('section', { 'aria-labelledby': 'flows-h' }, h('h2', { id: 'flows-h' }, 'Flows'),
      h('div', { class: 'field' }, h('label', { for: 'flow-search' }, 'Search flows'), search),
      h('button', { type: 'button', class: 'secondary', onclick: () => loadFlows() }, 'Reload flows'), flowsMsg, flowsBox),
    groupsBox, metersBox);

  let stopped = false;
  let stopMastership;
  clusterMode().then((c) => { if (c && !stopped) { mastership.hidden = false; stopMastership = switchMastership(mastership, dpid); } });
  let flowTable;
  search.addEventListener('input', () => flowTable?.setFilter(search.value));

  const portRows = new Map();
  const prev = new Map();
  let desc;
  const portTable = sortableTable({
    id: 'ports',
    columns: [
      { key: 'no', label: 'Port', num: true, value: (r) => (typeof r.portNo === 'number' ? r.portNo : 0xffffffff), cell: (r) => String(r.portNo) },
      { key: 'name', label: 'Name', value: (r) => r.name },
      { key: 'state', label: 'State', value: (r) => `${r.admin}/${r.link}`, cell: (r) => h('span', { class: r.link === 'up' && r.admin === 'up' ? 'up' : 'down' }, `admin ${r.admin}, link ${r.link}`) },
      { key: 'speed', label: 'Speed', num: true, value: (r) => r.currSpeedKbps ?? 0, cell: (r) => fmtBits((r.currSpeedKbps ?? 0) * 1000) },
      { key: 'rxp', label: 'Rx packets', num: true, value: (r) => r.s?.rxPackets ?? 0, cell: (r) => fmtNum(r.s?.rxPackets) },
      { key: 'txp', label: 'Tx packets', num: true, value: (r) => r.s?.txPackets ?? 0, cell: (r) => fmtNum(r.s?.txPackets) },
      { key: 'rxb', label: 'Rx bytes', num: true, value: (r) => r.s?.rxBytes ?? 0, cell: (r) => fmtNum(r.s?.rxBytes) },
      { key: 'txb', label: 'Tx bytes', num: true, value: (r) => r.s?.txBytes ?? 0, cell: (r) => fmtNum(r.s?.txBytes) },
      { key: 'rxr', label: 'Rx rate', num: true, value: (r) => r.rxRate ?? 0, cell: (r) => (r.rxRate === undefined ? '' : fmtBits(r.rxRate)) },
      { key: 'txr', label: 'Tx rate', num: true, value: (r) => r.txRate ?? 0, cell: (r) => (r.txRate === undefined ? '' : fmtBits(r.txRate)) },
      { key: 'err', label: 'Errors/drops', num: true, value: (r) => (r.s ? r.s.rxErrors + r.s.txErrors + r.s.rxDropped + r.s.txDropped : 0) },
    ],
    rows: [],
  });
  portsBox.append(portTable.el);

  async function loadPorts() {
    desc ??= await get(`/api/v1/switches/${dpid}`);
    const stats = await get(`/api/v1/switches/${dpid}/ports/stats`);
    const t = performance.now();
    for (const p of desc.ports) portRows.set(p.portNo, { ...p, ...portRows.get(p.portNo), ...p });
    for (const s of stats) {
      const r = portRows.get(s.portNo) ?? { portNo: s.portNo, name: '', admin: '?', link: '?' };
      const before = prev.get(s.portNo);
      if (before && t > before.t) {
        r.rxRate = Math.max(0, ((s.rxBytes - before.s.rxBytes) * 8000) / (t - before.t));
        r.txRate = Math.max(0, ((s.txBytes - before.s.txBytes) * 8000) / (t - before.t));
      }
      r.s = s;
      prev.set(s.portNo, { t, s });
      portRows.set(s.portNo, r);
    }
    portTable.setRows([...portRows.values()]);
  }

  async function loadInfo() {
    desc = await get(`/api/v1/switches/${dpid}`);
    const d = desc.description;
    info.textContent = `${d ? `${d.manufacturer} ${d.hardware}, ${d.software}. ` : ''}Connected since ${new Date(desc.connection.connectedAt).toLocaleString()} from ${desc.connection.remoteAddress}; ${desc.features.nTables} tables, ${desc.ports.length} ports.`;
  }

  async function loadFlows() {
    const [apps, flows] = await Promise.all([get('/api/v1/apps'), get(`/api/v1/switches/${dpid}/flows`)]);
    const rows = flows.map((f) => {
      const owner = ownerOf(f.cookie, apps);
      return { ...f, owner: owner ?? 'foreign', foreign: !owner, matchText: matchText(f.match), actionsText: actionsText(f) };
    });
    flowsMsg.textContent = `${rows.length} flows, ${rows.filter((r) => r.foreign).length} foreign (no loaded app owns their cookie).`;
    flowTable = sortableTable({
      id: 'flows',
      groupBy: (r) => (r.foreign ? 'foreign' : `app ${r.owner}`),
      filter: search.value,
      columns: [
        { key: 'table', label: 'Table', num: true, value: (r) => r.table },
        { key: 'priority', label: 'Priority', num: true, value: (r) => -r.priority, cell: (r) => String(r.priority) },
        { key: 'match', label: 'Match', value: (r) => r.matchText, cell: (r) => h('code', {}, r.matchText || '(any)') },
        { key: 'actions', label: 'Actions', value: (r) => r.actionsText, cell: (r) => h('code', {}, r.actionsText) },
        { key: 'owner', label: 'Owner', value: (r) => r.owner, cell: (r) => h('span', { class: r.foreign ? 'tag foreign' : 'tag' }, r.foreign ? 'foreign' : r.owner) },
        { key: 'cookie', label: 'Cookie', value: (r) => r.cookie, cell: (r) => h('code', {}, r.cookie) },
        { key: 'packets', label: 'Packets', num: true, value: (r) => r.packetCount, cell: (r) => fmtNum(r.packetCount) },
        { key: 'bytes', label: 'Bytes', num: true, value: (r) => r.byteCount, cell: (r) => fmtNum(r.byteCount) },
        { key: 'idle', label: 'Idle/hard timeout', value: (r) => `${r.idleTimeout}/${r.hardTimeout}` },
      ],
      rows,
    });
    clear(flowsBox).append(flowTable.el);
  }

  async function loadGroupsMeters() {
    const [groups, meters] = await Promise.all([get(`/api/v1/switches/${dpid}/groups`).catch(() => []), get(`/api/v1/switches/${dpid}/meters`).catch(() => [])]);
    groupsBox.append(groups.length === 0 ? h('p', {}, 'No groups.') : h('table', { id: 'groups' },
      h('thead', {}, h('tr', {}, ['Group', 'Type', 'Buckets', 'Packets', 'Bytes'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, groups.map((g) => h('tr', {}, h('td', {}, String(g.groupId)), h('td', {}, String(g.type)),
        h('td', {}, h('code', {}, g.buckets.map((b) => `bucket=${b.weight !== undefined ? `weight:${b.weight},` : ''}${b.watchPort !== undefined && b.watchPort !== 'ANY' ? `watch_port:${b.watchPort},` : ''}actions=${(b.actions ?? []).map((a) => actionsText({ actions: [a] })).join(',')}`).join(' '))),
        h('td', { class: 'num' }, fmtNum(g.packetCount)), h('td', { class: 'num' }, fmtNum(g.byteCount)))))));
    metersBox.append(meters.length === 0 ? h('p', {}, 'No meters.') : h('table', { id: 'meters' },
      h('thead', {}, h('tr', {}, ['Meter', 'Flags', 'Bands', 'Flows', 'Packets in', 'Bytes in'].map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, meters.map((m) => h('tr', {}, h('td', {}, String(m.meterId)), h('td', {}, (m.flags ?? []).join(',')),
        h('td', {}, h('code', {}, m.bands.map((b) => `type=${b.type},rate=${b.rate}${b.burstSize ? `,burst_size=${b.burstSize}` : ''}`).join(' '))),
        h('td', { class: 'num' }, fmtNum(m.flowCount)), h('td', { class: 'num' }, fmtNum(m.packetInCount)), h('td', { class: 'num' }, fmtNum(m.byteInCount)))))));
  }

  const fail = (box) => (e) => box.append(h('p', { class: 'form-error', role: 'alert' }, e.message));
  loadInfo().catch(fail(info));
  loadPorts().catch(fail(portsBox));
  loadFlows().catch(fail(flowsBox));
  loadGroupsMeters().catch(fail(groupsBox));
  const timer = setInterval(() => { if (!stopped) loadPorts().catch(() => {}); }, PORT_POLL_MS);
  return () => { stopped = true; clearInterval(timer); stopMastership?.(); };
}

/** All switches as a sortable table (the keyboard way into each switch). */
export function switchesView(root, { model }) {
  const columns = [
      { key: 'dpid', label: 'Datapath id', value: (s) => s.dpid, cell: (s) => h('a', { href: `#/switch/${s.dpid}` }, s.dpid) },
      { key: 'addr', label: 'Address', value: (s) => `${s.remoteAddress}:${s.remotePort}` },
      { key: 'since', label: 'Connected since', value: (s) => s.connectedAt ?? '', cell: (s) => (s.connectedAt ? new Date(s.connectedAt).toLocaleString() : '') },
      { key: 'sw', label: 'Software', value: (s) => s.software ?? '' },
  ];
  let t = sortableTable({ id: 'switches', columns, rows: [...model.switches.values()] });
  const q = h('input', { id: 'switch-search', type: 'search' });
  q.addEventListener('input', () => t.setFilter(q.value));
  clear(root).append(h('h1', {}, 'Switches'), h('div', { class: 'field' }, h('label', { for: 'switch-search' }, 'Filter switches'), q), t.el);
  let timer;
  const off = model.on(() => { clearTimeout(timer); timer = setTimeout(() => t.setRows([...model.switches.values()]), 200); });
  // A cluster instance: each switch's master and this instance's role, kept current.
  let stopped = false;
  let stopPoll;
  clusterMode().then((c) => {
    if (!c || stopped) return;
    let roles = rolesOf(c);
    const old = t.el;
    t = sortableTable({ id: 'switches', columns: [...columns, ...clusterColumns(() => roles)], rows: [...model.switches.values()], filter: q.value });
    old.replaceWith(t.el);
    stopPoll = pollCluster((now) => { roles = rolesOf(now); t.setRows([...model.switches.values()]); });
  });
  return () => { stopped = true; off(); clearTimeout(timer); stopPoll?.(); };
}
