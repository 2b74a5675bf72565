/**
 * Mastership in a cluster (docs/CLUSTER.md), from GET /api/v1/cluster: the instances (name,
 * member, addresses) with etcd's health, and per switch its master and this instance's role.
 * Without a cluster (`{"cluster": false}`) none of this shows: the nav link stays hidden and the
 * switch pages get no extra column.
 */
import { get } from './api.js';
import { clear, h } from './dom.js';
import { sortableTable } from './sortable.js';

export const CLUSTER_POLL_MS = 2000;

/** The first answer decides whether this is a cluster instance (it does not change at run time). */
let first;
export function clusterMode() {
  first ??= get('/api/v1/cluster').then((c) => (c?.cluster ? c : null)).catch(() => null);
  return first;
}

export const fetchCluster = () => get('/api/v1/cluster');

/** dpid -> { master, localRole, writable } from a /cluster answer. */
export const rolesOf = (c) => new Map((c?.switches ?? []).map((s) => [s.dpid, s]));

/** "master" (writable here), "slave", or "—" for a switch not connected to this instance. */
export function roleTag(s) {
  const role = s?.localRole ?? 'not connected';
  const cls = role === 'master' ? (s.writable ? 'tag role-master' : 'tag role-pending') : 'tag';
  return h('span', { class: cls, title: s?.writable ? 'this instance writes to the switch' : 'writes on this instance go to the master' }, role);
}

/** Extra columns for the switch list; `roles()` gives the latest map. */
export function clusterColumns(roles) {
  return [
    { key: 'master', label: 'Master', value: (s) => roles().get(s.dpid)?.master ?? '', cell: (s) => roles().get(s.dpid)?.master ?? 'none' },
    { key: 'role', label: 'Role here', value: (s) => roles().get(s.dpid)?.localRole ?? '', cell: (s) => roleTag(roles().get(s.dpid)) },
  ];
}

/** Call `onData` with /cluster now and every CLUSTER_POLL_MS; returns the stop function. */
export function pollCluster(onData, onError = () => {}) {
  let stopped = false;
  const tick = () => fetchCluster().then((c) => { if (!stopped) onData(c); }, onError);
  tick();
  const timer = setInterval(tick, CLUSTER_POLL_MS);
  return () => { stopped = true; clearInterval(timer); };
}

function etcdText(e) {
  if (!e) return '';
  return e.ok ? `etcd healthy: version ${e.version}, revision ${e.revision}, leader ${e.leader}` : `etcd unreachable: ${e.error}`;
}

/** #/cluster: this instance, the instances, the switches' masters. */
export function clusterView(root) {
  const summary = h('p', { id: 'cluster-summary', role: 'status' });
  const etcd = h('p', { id: 'cluster-etcd' });
  const me = { name: '' };
  const instances = sortableTable({
    id: 'cluster-instances',
    columns: [
      { key: 'name', label: 'Instance', value: (i) => i.name, cell: (i) => (i.name === me.name ? h('strong', {}, `${i.name} (this instance)`) : i.name) },
      { key: 'rest', label: 'REST', value: (i) => i.rest ?? '' },
      { key: 'openflow', label: 'OpenFlow', value: (i) => i.openflow ?? '' },
      { key: 'host', label: 'Host', value: (i) => `${i.host ?? ''} (pid ${i.pid ?? '?'})` },
      { key: 'joined', label: 'Joined', value: (i) => i.joinedAt ?? '', cell: (i) => (i.joinedAt ? new Date(i.joinedAt).toLocaleString() : '') },
      { key: 'masters', label: 'Switches mastered', num: true, value: (i) => i.mastered ?? 0 },
    ],
    rows: [],
  });
  const switches = sortableTable({
    id: 'cluster-switches',
    columns: [
      { key: 'dpid', label: 'Datapath id', value: (s) => s.dpid, cell: (s) => h('a', { href: `#/switch/${s.dpid}` }, s.dpid) },
      { key: 'master', label: 'Master', value: (s) => s.master ?? '', cell: (s) => s.master ?? h('span', { class: 'down' }, 'none') },
      { key: 'role', label: 'Role here', value: (s) => s.localRole ?? '', cell: (s) => roleTag(s) },
      { key: 'gen', label: 'Generation', num: true, value: (s) => s.generation ?? 0 },
      { key: 'connected', label: 'Connected to', value: (s) => s.connected.join(', ') },
    ],
    rows: [],
  });
  const err = h('p', { class: 'form-error', role: 'alert', id: 'cluster-error' });
  clear(root).append(h('h1', {}, 'Cluster'), summary, etcd, err,
    h('section', { 'aria-labelledby': 'ci-h' }, h('h2', { id: 'ci-h' }, 'Instances'), instances.el),
    h('section', { 'aria-labelledby': 'cs-h' }, h('h2', { id: 'cs-h' }, 'Switches'), switches.el));
  return pollCluster((c) => {
    err.textContent = '';
    if (!c.cluster) { summary.textContent = 'This weft runs as a single instance (no --cluster).'; return; }
    me.name = c.instance;
    const mastered = new Map();
    for (const s of c.switches) if (s.master) mastered.set(s.master, (mastered.get(s.master) ?? 0) + 1);
    summary.textContent = `This instance: ${c.instance}, ${c.member ? 'a member (lease renewed)' : 'NOT a member now (its etcd lease is not renewed): it writes to no switch'}; ${c.instances.length} instances, ${c.switches.length} switches, lease TTL ${c.leaseTtl} s.`;
    summary.dataset.member = String(c.member);
    etcd.textContent = etcdText(c.etcd);
    etcd.className = c.etcd?.ok ? 'up' : 'down';
    instances.setRows(c.instances.map((i) => ({ ...i, mastered: mastered.get(i.name) ?? 0 })));
    switches.setRows(c.switches);
  }, (e) => { err.textContent = `GET /api/v1/cluster failed: ${e.message}`; });
}

/** The switch page's line: who masters this switch and what this instance is to it. */
export function switchMastership(el, dpid) {
  return pollCluster((c) => {
    const s = rolesOf(c).get(dpid);
    el.textContent = '';
    el.append(`Master: ${s?.master ?? 'none'}; this instance (${c.instance}): `, roleTag(s),
      s?.writable ? ' — writes go to the switch from here.' : ` — writes made here are handed to ${s?.master ?? 'the master'}.`);
  });
}
