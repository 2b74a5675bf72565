/**
 * weft's topology REST routes and live event stream against a real Mininet ring,4 on a private
 * Open vSwitch, weft running as a process with its default apps (table-miss, topology,
 * l2-learning) and LLDP every second (appOptions.topology from a --config file, so discovery and
 * the settle time take ~1-2 s instead of ~8).
 *
 * The scenario (mininet/scenarios/rest_topology.py) waits for discovery, pingalls, and reports
 * what Mininet built; the test compares weft's native (/api/v1/topology/*) and Ryu-compatible
 * (/v1.0/topology/*) answers with it, then, with the event WebSocket open, has the scenario take
 * the s1-s2 link down (and up again) and checks the events and the REST views that follow.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { connectEvents } from '../rest/events-client.js';
import { requireRoot, sleep, waitFor } from '../support/e2e.js';
import { requireMininet } from '../support/mininet.js';
import { startScenarioSession } from '../support/mininet-session.js';
import type { SessionMessage } from '../support/mininet-session.js';
import { startOvs } from '../support/ovs.js';
import { startWeftProcess } from '../support/weft-process.js';

requireRoot();
requireMininet();

const LLDP_INTERVAL_MS = 1000;
// How long weft may take to report a link change: PORT_STATUS is immediate; a link coming back
// needs an LLDP round trip (sent at once when the port comes up, else the next interval).
const EVENT_BUDGET_MS = 5000;

interface End { switch: string; dpid: string; port: number; name: string }
interface Ready extends SessionMessage {
  switches: { name: string; dpid: string; ports: { port: number; name: string; mac: string }[] }[];
  links: { a: End; b: End }[];
  hosts: { name: string; mac: string; ip: string; dpid: string; port: number; portName: string }[];
  readyMs: number;
}
interface Ref { dpid: string; port: number }
interface WeftLink { src: Ref; dst: Ref }
interface WeftHost { mac: string; ipv4: string[]; ipv6: string[]; dpid: string; port: number }
interface RyuPort { dpid: string; port_no: string; hw_addr: string; name: string }
interface Event { type: string; seq: number; [k: string]: unknown }

const isPortOf = (e: Event, end: Ref) => (e as Event & Ref).dpid === end.dpid && (e as Event & Ref).port === end.port;
const key = (l: WeftLink) => `${l.src.dpid}:${l.src.port}>${l.dst.dpid}:${l.dst.port}`;
const sorted = <T>(xs: T[], k: (x: T) => string) => [...xs].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0));

t.test('topology REST routes and the event stream on a Mininet ring,4', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-rest-topo-'));
  const config = join(dir, 'weft.json');
  writeFileSync(config, JSON.stringify({ appOptions: { topology: { lldpIntervalMs: LLDP_INTERVAL_MS } } }));
  const ovs = await startOvs();
  let weft: Awaited<ReturnType<typeof startWeftProcess>> | undefined;
  let events: Awaited<ReturnType<typeof connectEvents>> | undefined;
  let session: ReturnType<typeof startScenarioSession> | undefined;
  const t0 = Date.now();
  try {
    weft = await startWeftProcess({ args: ['--config', config] });
    t.same(weft.lines.find((l) => l.msg === 'weft started')?.apps, ['table-miss', 'topology', 'l2-learning'], 'the default apps');
    const base = `http://127.0.0.1:${weft.restPort}`;
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // settle 2.5 s: above the topology app's settle time (1.5 x the LLDP interval).
    session = startScenarioSession({ scenario: 'rest_topology', ovs, controller: { port: weft.openflowPort }, topo: 'ring,4', timeoutMs: 80_000, options: { rest: base, settle: '2.5' } });
    const p = session.prefix;
    const ready = (await session.next('ready', 50_000)) as Ready;
    t.comment(`network up, links discovered, pingall clean after ${ready.readyMs} ms (scenario), ${Date.now() - t0} ms (test)`);
    const dpidOf = (sw: string) => ready.switches.find((s) => s.name === p + sw)!.dpid;
    const hostOf = (h: string) => ready.hosts.find((x) => x.name === p + h)!;
    t.equal(ready.switches.length, 4, 'Mininet built 4 switches');
    t.equal(ready.links.length, 4, 'and 4 switch-to-switch links (a ring)');
    t.equal(ready.hosts.length, 4, 'and 4 hosts');

    // ---- native links: every Mininet link, both directions, nothing else.
    const want = ready.links.flatMap(({ a, b }) => [
      { src: { dpid: a.dpid, port: a.port }, dst: { dpid: b.dpid, port: b.port } },
      { src: { dpid: b.dpid, port: b.port }, dst: { dpid: a.dpid, port: a.port } },
    ]);
    const links = await get<WeftLink[]>('/api/v1/topology/links');
    t.same(sorted(links, key), sorted(want, key), '/api/v1/topology/links: each Mininet link in both directions');

    // ---- native hosts: MAC + IPv4 at the switch port Mininet plugged the host into.
    const hosts = await get<WeftHost[]>('/api/v1/topology/hosts');
    t.same(
      sorted(hosts.map((h) => ({ mac: h.mac, ipv4: h.ipv4, dpid: h.dpid, port: h.port })), (h) => h.mac),
      sorted(ready.hosts.map((h) => ({ mac: h.mac, ipv4: [h.ip], dpid: h.dpid, port: h.port })), (h) => h.mac),
      '/api/v1/topology/hosts: every Mininet host with its MAC and IP at its edge port',
    );

    // ---- native path: s1 to s3 has two equal paths; ties go to the lower dpid (s2).
    const h1 = hostOf('h1');
    const h2 = hostOf('h2');
    const h3 = hostOf('h3');
    const portTo = (from: string, to: string) => {
      const l = ready.links.find(({ a, b }) => a.switch === p + from && b.switch === p + to) ?? ready.links.find(({ a, b }) => b.switch === p + from && a.switch === p + to);
      return l!.a.switch === p + from ? l!.a.port : l!.b.port;
    };
    const path13 = await get<{ hops: { dpid: string; inPort: number; outPort: number }[] }>(`/api/v1/topology/path?src=${h1.mac}&dst=${h3.mac}`);
    t.same(path13.hops, [
      { dpid: dpidOf('s1'), inPort: h1.port, outPort: portTo('s1', 's2') },
      { dpid: dpidOf('s2'), inPort: portTo('s2', 's1'), outPort: portTo('s2', 's3') },
      { dpid: dpidOf('s3'), inPort: portTo('s3', 's2'), outPort: h3.port },
    ], '/api/v1/topology/path h1 -> h3: s1, s2, s3 by Mininet port numbers');

    // ---- Ryu: the same facts in rest_topology's shape.
    const ryuPort = (dpid: string, port: number): RyuPort => {
      const sw = ready.switches.find((s) => s.dpid === dpid)!;
      const pt = sw.ports.find((x) => x.port === port)!;
      return { dpid, port_no: port.toString(16).padStart(8, '0'), hw_addr: pt.mac, name: pt.name };
    };
    const ryuSwitches = await get<{ dpid: string; ports: RyuPort[] }[]>('/v1.0/topology/switches');
    t.same(
      ryuSwitches,
      sorted(ready.switches, (s) => s.dpid).map((s) => ({ dpid: s.dpid, ports: s.ports.map((x) => ryuPort(s.dpid, x.port)) })),
      '/v1.0/topology/switches: dpids and every port (number, MAC, name) as Mininet built them, LOCAL left out',
    );
    const ryuKey = (l: { src: RyuPort; dst: RyuPort }) => `${l.src.dpid}:${l.src.port_no}>${l.dst.dpid}:${l.dst.port_no}`;
    const ryuLinks = await get<{ src: RyuPort; dst: RyuPort }[]>('/v1.0/topology/links');
    t.same(sorted(ryuLinks, ryuKey), sorted(want.map((l) => ({ src: ryuPort(l.src.dpid, l.src.port), dst: ryuPort(l.dst.dpid, l.dst.port) })), ryuKey), '/v1.0/topology/links: both directions, ports in Ryu shape');
    const s1Links = await get<{ src: RyuPort; dst: RyuPort }[]>(`/v1.0/topology/links/${dpidOf('s1')}`);
    t.same(s1Links.map((l) => l.src.dpid), [dpidOf('s1'), dpidOf('s1')], '/v1.0/topology/links/<s1>: the two links leaving s1');
    const ryuHosts = await get<{ mac: string; ipv4: string[]; ipv6: string[]; port: RyuPort }[]>('/v1.0/topology/hosts');
    t.ok(ryuHosts.every((h) => Array.isArray(h.ipv6)), '/v1.0/topology/hosts: ipv6 lists present');
    t.same(
      sorted(ryuHosts.map((h) => ({ mac: h.mac, ipv4: h.ipv4, port: h.port })), (h) => h.mac),
      sorted(ready.hosts.map((h) => ({ mac: h.mac, ipv4: [h.ip], port: ryuPort(h.dpid, h.port) })), (h) => h.mac),
      '/v1.0/topology/hosts: every host with its attachment port in Ryu shape',
    );

    // ---- the event stream: s1-s2 goes down.
    events = await connectEvents(`ws://127.0.0.1:${weft.restPort}/api/v1/events`);
    // Our own log with arrival times: the events of one change come in an order the test does
    // not fix (both link directions, both ports), so each is looked up in the whole log.
    const log: { at: number; e: Event }[] = [];
    events.ws.on('message', (data: Buffer) => log.push({ at: Date.now(), e: JSON.parse(data.toString('utf8')) as Event }));
    const s1s2 = ready.links.find(({ a, b }) => a.switch === p + 's1' && b.switch === p + 's2')!;
    const [e1, e2] = [s1s2.a, s1s2.b];
    const isLink = (type: string, src: End, dst: End) => (x: Event) => {
      const e = x as Event & WeftLink;
      return e.type === type && e.src.dpid === src.dpid && e.src.port === src.port && e.dst.dpid === dst.dpid && e.dst.port === dst.port;
    };
    const isPortDown = (end: End) => (x: Event) => {
      const e = x as Event & Ref & { live: boolean };
      return e.type === 'port_modified' && e.dpid === end.dpid && e.port === end.port && e.live === false;
    };
    /** Milliseconds from t0 to the first event (from index `from` of the log) matching pred. */
    const arrival = async (from: number, t0: number, pred: (e: Event) => boolean, what: string) =>
      (await waitFor(() => log.slice(from).find((x) => pred(x.e)), EVENT_BUDGET_MS, what, 20)).at - t0;

    const before = log.length;
    const down0 = Date.now();
    const reply = await session.command('down s1 s2', 10_000);
    t.equal(reply.ok, true, `the scenario took ${p}s1-${p}s2 down (${JSON.stringify(reply.ends)})`);
    const removed = [
      await arrival(before, down0, isLink('link_removed', e1, e2), `link_removed ${e1.name} -> ${e2.name}`),
      await arrival(before, down0, isLink('link_removed', e2, e1), `link_removed ${e2.name} -> ${e1.name}`),
    ];
    t.pass(`link_removed both directions ${e1.name} <-> ${e2.name}, ${removed.join(' and ')} ms after the command`);
    // The port events: each end's PORT_STATUS (link down) as port_modified with live false.
    const portsDown = [
      await arrival(before, down0, isPortDown(e1), `port_modified ${e1.name} live false`),
      await arrival(before, down0, isPortDown(e2), `port_modified ${e2.name} live false`),
    ];
    t.pass(`port_modified live=false for ${e1.name} and ${e2.name}, ${portsDown.join(' and ')} ms after the command`);
    // Let stragglers of this change arrive before judging the set of events.
    await sleep(300);
    const after = log.slice(before).map((x) => x.e);
    t.comment(`events after the link went down: ${JSON.stringify(after.map(({ seq: _s, time: _t, ...e }) => e))}`);
    // Order as docs/TOPOLOGY.md: the port change first, then the links it took down.
    const firstPortDown = after.findIndex((e) => isPortDown(e1)(e) || isPortDown(e2)(e));
    const firstLink = after.findIndex((e) => e.type === 'link_removed');
    t.ok(firstPortDown >= 0 && firstPortDown < firstLink, `a port going down comes before the first link_removed (${after.map((e) => e.type).join(', ')})`);
    t.equal(after.filter((e) => e.type === 'link_removed').length, 2, 'exactly two link_removed: only the s1-s2 cable went');
    t.same(after.filter((e) => e.type.startsWith('port_') && !isPortOf(e, e1) && !isPortOf(e, e2)), [], 'port events name only the two ends of the cable');
    t.same(after.filter((e) => e.type.startsWith('host_')), [], 'no host event: the hosts are not on the downed ports');
    const seqs = after.map((e) => e.seq);
    t.same(seqs, seqs.map((_, i) => seqs[0]! + i), 'seq increases by one per event (none missed)');

    const downKey = new Set([key({ src: e1, dst: e2 }), key({ src: e2, dst: e1 })]);
    t.same(sorted(await get<WeftLink[]>('/api/v1/topology/links'), key), sorted(want.filter((l) => !downKey.has(key(l))), key), '/api/v1/topology/links: the six other directions remain');
    t.equal((await get<unknown[]>('/v1.0/topology/links')).length, 6, '/v1.0/topology/links agrees');
    const path12 = await get<{ hops: { dpid: string }[] }>(`/api/v1/topology/path?src=${h1.mac}&dst=${h2.mac}`);
    t.same(path12.hops.map((h) => h.dpid), ['s1', 's4', 's3', 's2'].map(dpidOf), '/api/v1/topology/path h1 -> h2 now goes round the ring: s1, s4, s3, s2');

    // ---- and up again: LLDP finds the cable at once (sent when a port comes up).
    const up0 = Date.now();
    const upFrom = log.length;
    t.equal((await session.command('up s1 s2', 10_000)).ok, true, 'the scenario brought the link up');
    const back = [
      await arrival(upFrom, up0, isLink('link_added', e1, e2), `link_added ${e1.name} -> ${e2.name}`),
      await arrival(upFrom, up0, isLink('link_added', e2, e1), `link_added ${e2.name} -> ${e1.name}`),
    ];
    t.pass(`link_added both directions after ${back.join(' and ')} ms`);
    t.same(sorted(await get<WeftLink[]>('/api/v1/topology/links'), key), sorted(want, key), '/api/v1/topology/links: all eight directions again');
    const ping = await session.command('pingall', 20_000);
    const pr = ping.pingall as { lost: number; sent: number; failed: unknown };
    t.equal(pr.lost, 0, `pingall after the link came back: ${pr.sent} sent, ${pr.lost} lost ${JSON.stringify(pr.failed)}`);
  } finally {
    events?.close();
    if (session) {
      const run = await session.close();
      t.equal(run.code, 0, run.code === 0 ? 'scenario exit code 0' : `scenario exit code ${run.code}\n${run.stderr.slice(-3000)}`);
      t.equal(run.result?.ok, true, `scenario checks: ${JSON.stringify(run.result?.checks)}`);
      t.notOk(run.result?.notes.leftovers, 'net.stop() removed every bridge and link');
    }
    t.equal((await ovs.vsctl('list-br')).trim(), '', 'no bridge left in the private OVS');
    if (weft) {
      t.same(weft.lines.filter((l) => l.level >= 50), [], 'weft logged no errors');
      t.equal(await weft.stop(), 0, 'weft exits 0 on SIGTERM');
    }
    await ovs.stop();
    rmSync(dir, { recursive: true, force: true });
    t.comment(`total ${Date.now() - t0} ms`);
  }
});
