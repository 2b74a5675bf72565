import t from 'tap';
import type { TopologyEvent } from '../../../apps/topology/index.js';
import { dp, line, setup } from './setup.js';

const show = (e: TopologyEvent): string => {
  switch (e.type) {
    case 'switchAdded':
    case 'switchRemoved':
      return `${e.type} ${Number.parseInt(e.dpid, 16)}`;
    case 'portAdded':
    case 'portRemoved':
    case 'portModified':
      return `${e.type} ${Number.parseInt(e.dpid, 16)}:${e.port} ${e.live ? 'live' : 'down'}`;
    case 'linkAdded':
    case 'linkRemoved':
      return `${e.type} ${Number.parseInt(e.link.src.dpid, 16)}:${e.link.src.port}>${Number.parseInt(e.link.dst.dpid, 16)}:${e.link.dst.port}`;
    case 'hostMoved':
      return `${e.type} ${e.host.mac} ${Number.parseInt(e.from.dpid, 16)}:${e.from.port}>${Number.parseInt(e.host.dpid, 16)}:${e.host.port}`;
    default:
      return `${e.type} ${e.host.mac}`;
  }
};

t.test('events come in cause order, one version per event', async (t) => {
  const s = setup({ ...line(2), connect: false });
  s.net.connect(s.host);
  t.same(s.events.map(show), ['switchAdded 1', 'switchAdded 2', 'linkAdded 1:2>2:1', 'linkAdded 2:1>1:2']);
  t.equal(s.topo.version, 4);
  s.arp('h2');
  s.net.addPort(2n, 7);
  s.net.setLink([2n, 7], false, false);
  s.net.switches.get(2n)!.portStatus(1, s.net.switches.get(2n)!.info.ports.get(7)!);
  s.net.disconnect(2n);
  t.same(s.events.slice(4).map(show), [
    'hostAdded 0a:00:00:00:00:02',
    'portAdded 2:7 live',
    'portModified 2:7 down',
    'portRemoved 2:7 down',
    'linkRemoved 1:2>2:1',
    'linkRemoved 2:1>1:2',
    'hostRemoved 0a:00:00:00:00:02',
    'switchRemoved 2',
  ]);
  t.equal(s.topo.version, s.events.length);
});

t.test('listeners see the finished state; unsubscribe; a failing listener hurts no one', async (t) => {
  const s = setup({ ...line(2), connect: false });
  const seen: string[] = [];
  const unsubscribe = s.topo.subscribe((ev) => {
    if (ev.type === 'hostRemoved') seen.push(`edge=${s.topo.isEdgePort(ev.host.dpid, ev.host.port)} hosts=${s.topo.hosts().length}`);
    if (ev.type === 'linkAdded') seen.push(`links=${s.topo.links().length} v=${s.topo.version}`);
  });
  s.topo.subscribe(() => {
    throw new Error('boom');
  });
  s.net.connect(s.host, [1n]);
  // A frame from switch 2's side arrives on switch 1's link port before the link is known.
  s.net.switches.get(1n)!.inject({ in_port: 2, eth_src: '0a:00:00:00:00:33', eth_dst: 'ff:ff:ff:ff:ff:ff' });
  t.equal(s.topo.hosts().length, 1);
  s.net.connect(s.host, [2n]);
  // The host was dropped before the first event went out: the port is no edge at hostRemoved.
  t.same(seen, ['links=1 v=4', 'edge=false hosts=0', 'links=2 v=6']);
  t.ok(s.lines.some((l) => l.msg === 'topology listener failed'), 'the failure is logged');
  unsubscribe();
  s.net.disconnect(1n);
  t.equal(seen.length, 3);
  t.equal(s.events.at(-1)?.type, 'switchRemoved', 'the other listener still hears');
});

t.test('stats for /metrics', async (t) => {
  const s = setup(line(3));
  s.arp('h1');
  t.match(s.topoApp.stats!(), { switches: 3, links: 4, hosts: 1, lldpRefused: 0, version: s.topo.version });
  t.ok(s.topoApp.stats!().lldpSent >= 6);
  t.equal(dp(3), '0000000000000003');
});

t.test('loads as the built-in app "topology" with its service', async (t) => {
  const { loadApp } = await import('../../../src/host/loader.js');
  const app = (await loadApp('topology', { appOptions: { topology: { lldpIntervalMs: 1_000 } } })) as import('../../../apps/topology/index.js').TopologyApp;
  t.equal(app.name, 'topology');
  t.equal(app.receiveTableMiss, true);
  t.equal(app.api.version, 0);
  t.same(app.api.switches(), []);
});
