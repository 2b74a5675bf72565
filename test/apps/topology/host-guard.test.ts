import t from 'tap';
import { buildEthernet, buildIpv4, buildUdp } from '../../../protocol/packet/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { createTableMissApp } from '../../../apps/table-miss/index.js';
import { memoryAppState } from '../../../apps/sdk/index.js';
import { makeHost } from '../../host/helpers.js';
import { dp, line, setup } from './setup.js';

const H1 = '0a:00:00:00:00:01';
const H2 = '0a:00:00:00:00:02';

function udpFrom(src: string, dst = '0a:00:00:00:00:77'): Uint8Array {
  return buildEthernet({ dst, src, ethType: 0x0800 }, buildIpv4({ src: '10.9.0.1', dst: '10.9.0.2', protocol: 17 }, buildUdp({ srcPort: 4000, dstPort: 53, src: '10.9.0.1', dst: '10.9.0.2' }, new Uint8Array(4))));
}

const floodMac = (i: number) => `0e:00:00:${((i >> 16) & 0xff).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`;

t.test('a MAC flood on one port fills that port\'s share and refuses the rest; quiet hosts elsewhere stay', async (t) => {
  const s = setup({ ...line(2), options: { maxHostsPerPort: 50, maxHostsPerSwitch: 80, maxHosts: 120 } });
  s.arp('h2'); // a real host on switch 2, then quiet
  s.advance(8_000);
  s.events.length = 0;
  for (let i = 0; i < 400; i++) s.net.send('h1', udpFrom(floodMac(i)));
  t.equal(s.topo.hosts().filter((h) => h.dpid === dp(1) && h.port === 3).length, 50, 'the flooding port holds its cap');
  t.match(s.topo.host(H2), { dpid: dp(2), port: 3 }, 'the quiet host is still known');
  t.equal(s.events.filter((e) => e.type === 'hostRemoved').length, 0, 'nobody was evicted');
  t.equal(s.topo.counters().hostsRefused['port-cap'], 350);
  t.equal(s.topoApp.stats!().hostsRefusedPortCap, 350, 'in stats (/metrics)');
  const warns = s.lines.filter((l) => l.msg === 'host refused');
  t.equal(warns.length, 1, 'one log line for the port, not one per refused MAC');
  t.match(warns[0], { reason: 'port-cap', dpid: dp(1), port: 3 });
  // After the rate-limit interval the next line says how many were suppressed.
  s.clock.advance(10_000);
  s.net.send('h1', udpFrom(floodMac(1000)));
  t.match(s.lines.filter((l) => l.msg === 'host refused').at(-1), { suppressed: 349 });
  t.ok(s.topo.counters().logLinesSuppressed >= 349);
});

t.test('the per-switch and whole-table caps refuse too, and never evict', async (t) => {
  const s = setup({ switches: { 1: 4, 2: 2 }, links: [], options: { maxHostsPerPort: 10, maxHostsPerSwitch: 15, maxHosts: 18 } });
  s.net.attach('a', [1n, 1], { mac: '0a:00:00:00:0a:01' });
  s.net.attach('b', [1n, 2], { mac: '0a:00:00:00:0b:01' });
  s.net.attach('c', [2n, 1], { mac: '0a:00:00:00:0c:01' });
  for (let i = 0; i < 10; i++) s.net.send('a', udpFrom(floodMac(i)));
  for (let i = 100; i < 110; i++) s.net.send('b', udpFrom(floodMac(i)));
  t.equal(s.topo.hostCount, 15, 'switch 1 full at 15');
  t.equal(s.topo.counters().hostsRefused['switch-cap'], 5);
  for (let i = 200; i < 210; i++) s.net.send('c', udpFrom(floodMac(i)));
  t.equal(s.topo.hostCount, 18, 'the table full at 18');
  t.equal(s.topo.counters().hostsRefused['table-cap'], 7);
  t.equal(s.events.filter((e) => e.type === 'hostRemoved').length, 0);
  // Idle hosts expire and make room again.
  s.advance(301_000, 5_000);
  t.equal(s.topo.hostCount, 0);
  s.net.send('c', udpFrom(floodMac(300)));
  t.equal(s.topo.hostCount, 1);
});

t.test('host moves are limited per MAC and logged', async (t) => {
  const s = setup({ switches: { 1: 4 }, links: [], hosts: { h1: [1n, 1] }, options: { hostMoveLimit: 2, hostMoveWindowMs: 30_000 } });
  s.advance(8_000);
  s.arp('h1');
  for (const port of [2, 3]) {
    s.net.moveHost('h1', [1n, port]);
    s.arp('h1');
  }
  t.match(s.topo.host(H1), { port: 3 }, 'two moves followed');
  s.net.moveHost('h1', [1n, 4]);
  s.arp('h1');
  t.match(s.topo.host(H1), { port: 3 }, 'the third within the window is refused');
  t.equal(s.topo.counters().hostMoves, 2);
  t.same(s.topo.counters().hostMovesRefused, { 'move-limit': 1 });
  t.equal(s.lines.filter((l) => l.msg === 'host moved').length, 1, 'moves are logged, rate-limited per MAC');
  t.match(s.lines.find((l) => l.msg === 'host moved'), { mac: H1, from: { dpid: dp(1), port: 1 }, to: { dpid: dp(1), port: 2 } });
  t.match(s.lines.find((l) => l.msg === 'host move refused'), { mac: H1, reason: 'move-limit', to: { port: 4 } });
  s.advance(30_000);
  s.arp('h1');
  t.match(s.topo.host(H1), { port: 4 }, 'a new window allows it');
});

t.test('a pinned MAC is learned only on its port: one frame from elsewhere takes nothing over', async (t) => {
  const s = setup({ ...line(2), options: { pinnedHosts: [{ mac: H1.toUpperCase(), dpid: '1', port: 3 }] } });
  s.advance(8_000);
  s.arp('h1');
  t.match(s.topo.host(H1), { dpid: dp(1), port: 3 });
  s.events.length = 0;
  s.net.send('h2', udpFrom(H1)); // h2 forges h1's source address
  t.match(s.topo.host(H1), { dpid: dp(1), port: 3 }, 'not moved');
  t.same(s.events, []);
  t.same(s.topo.counters().hostMovesRefused, { pinned: 1 });
  t.same(s.topo.pins(), [{ mac: H1, dpid: dp(1), port: 3 }]);
  t.equal(s.topo.admitsHost(H1, dp(2), 3), false, 'what forwarding apps ask');
  t.equal(s.topo.admitsHost(H1, dp(1), 3), true);
  // Pinning a host that sits elsewhere removes it there; unpinning lets it move again.
  s.topo.pin({ mac: H2, dpid: dp(1), port: 3 });
  t.equal(s.topo.host(H2), undefined);
  s.arp('h2');
  t.equal(s.topo.host(H2), undefined, 'not learned off its pin');
  t.same(s.topo.counters().hostsRefused, { pinned: 1 });
  t.equal(s.topo.unpin(H2), true);
  s.arp('h2');
  t.match(s.topo.host(H2), { dpid: dp(2), port: 3 });
});

t.test('pins over REST routes: list, pin where the host is, pin ahead, unpin; bad input is a clear 4xx', async (t) => {
  const s = setup({ ...line(2), options: { maxPins: 2 } });
  s.advance(8_000);
  s.arp('h1');
  const routes = new Map<string, (req: { params: Record<string, string>; query: Record<string, string>; body: unknown }) => unknown>();
  const add = (m: string) => (path: string, h: (req: never) => unknown) => void routes.set(`${m} ${path}`, h as never);
  s.topoApp.routes!({ get: add('GET'), post: add('POST'), put: add('PUT'), patch: add('PATCH'), delete: add('DELETE') });
  const thrown = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err;
    }
    return undefined;
  };
  const call = (key: string, params: Record<string, string> = {}, body?: unknown) => routes.get(key)!({ params, query: {}, body });
  t.same(await call('PUT /pins/:mac', { mac: H1 }, {}), { mac: H1, dpid: dp(1), port: 3 }, 'where the host is now');
  t.same(await call('PUT /pins/:mac', { mac: '0A:00:00:00:00:09' }, { dpid: 2, port: 1 }), { mac: '0a:00:00:00:00:09', dpid: dp(2), port: 1 });
  t.same((call('GET /pins') as unknown[]).length, 2);
  t.match(thrown(() => call('PUT /pins/:mac', { mac: '0a:00:00:00:00:08' }, { dpid: 2, port: 1 })), { status: 409 }, 'maxPins');
  t.match(thrown(() => call('PUT /pins/:mac', { mac: '0a:00:00:00:00:05' }, {})), { status: 404 }, 'unknown host, no place given');
  t.match(thrown(() => call('PUT /pins/:mac', { mac: 'nope' }, { dpid: 2, port: 1 })), { status: 400, field: 'mac' });
  t.match(thrown(() => call('PUT /pins/:mac', { mac: '01:00:5e:00:00:01' }, { dpid: 2, port: 1 })), { status: 400, message: /group address/ });
  t.match(thrown(() => call('PUT /pins/:mac', { mac: H1 }, { dpid: 'xyz', port: 1 })), { status: 400, field: 'dpid' });
  t.match(thrown(() => call('PUT /pins/:mac', { mac: H1 }, { dpid: 1 })), { status: 400 }, 'both or neither');
  t.equal(await call('DELETE /pins/:mac', { mac: H1 }), undefined);
  t.match(thrown(() => call('DELETE /pins/:mac', { mac: H1 })), { status: 404 });
});

t.test('pins set over REST are saved and restored at the next start; option pins stay configuration', async (t) => {
  const state = memoryAppState();
  const opts = { pinnedHosts: [{ mac: H2, dpid: 2, port: 3 }] };
  const start = () => {
    const topoApp = createTopologyApp(opts);
    const { host, lines } = makeHost([createTableMissApp({}), topoApp], { appState: () => state });
    const routes = new Map<string, (req: { params: Record<string, string>; query: Record<string, string>; body: unknown }) => unknown>();
    const add = (m: string) => (path: string, h: (req: never) => unknown) => void routes.set(`${m} ${path}`, h as never);
    topoApp.routes!({ get: add('GET'), post: add('POST'), put: add('PUT'), patch: add('PATCH'), delete: add('DELETE') });
    const call = (key: string, params: Record<string, string> = {}, body?: unknown) => routes.get(key)!({ params, query: {}, body });
    return { host, lines, topo: topoApp.api, call };
  };
  const first = start();
  await first.call('PUT /pins/:mac', { mac: '0a:00:00:00:00:09' }, { dpid: 2, port: 1 });
  await first.call('PUT /pins/:mac', { mac: H2 }, { dpid: 1, port: 4 });
  t.same(state.entries('pins/').map(([k]) => k), ['pins/0a:00:00:00:00:02', 'pins/0a:00:00:00:00:09'], 'both saved');
  const second = start();
  t.same(second.topo.pins(), [{ mac: H2, dpid: dp(1), port: 4 }, { mac: '0a:00:00:00:00:09', dpid: dp(2), port: 1 }], 'restored; the REST re-pin of an option pin wins');
  await second.call('DELETE /pins/:mac', { mac: '0A:00:00:00:00:09' });
  await second.call('DELETE /pins/:mac', { mac: H2 });
  t.same(state.entries('pins/'), [], 'unpins deleted from the state');
  await state.put('pins/0a:00:00:00:00:0b', { dpid: 'zz', port: 1 });
  const third = start();
  t.same(third.topo.pins(), [{ mac: H2, dpid: dp(2), port: 3 }], 'the option pin is back; a bad stored pin is skipped');
  t.ok(third.lines.some((l) => l.msg === 'persisted pin skipped' && /dpid/.test(String(l.err))), 'with a warning naming the problem');
});

t.test('cap and pin options are checked at start', async (t) => {
  const mk = (o: Record<string, unknown>) => makeHost([createTableMissApp({}), createTopologyApp({})], { appOptions: { topology: o } });
  t.throws(() => mk({ maxHostsPerPort: 0 }), /maxHostsPerPort: expected an integer/);
  t.throws(() => mk({ pinnedHosts: {} }), /pinnedHosts: expected an array/);
  t.throws(() => mk({ pinnedHosts: [{ mac: H1, dpid: 1 }] }), /pinnedHosts\[0\]\.port/);
  t.throws(() => mk({ pinnedHosts: [{ mac: H1, dpid: 1, port: 1, vlan: 3 }] }), /pinnedHosts\[0\]\.vlan is unknown/);
  t.throws(() => mk({ pinnedHosts: [{ mac: H1, dpid: 1, port: 1 }, { mac: H1, dpid: 2, port: 1 }] }), /pinned twice/);
  t.throws(() => mk({ maxPins: 1, pinnedHosts: [{ mac: H1, dpid: 1, port: 1 }, { mac: H2, dpid: 2, port: 1 }] }), /more than maxPins/);
});
