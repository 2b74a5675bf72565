import t from 'tap';
import type { TopologyEvent, TopologyService } from '../../apps/topology/api.js';
import { EventBus } from '../../src/rest/events/bus.js';
import type { WeftEvent } from '../../src/rest/events/bus.js';

/** Just enough of a topology service: the bus only subscribes. */
function fakeTopology(): { service: TopologyService; fire: (ev: TopologyEvent) => void } {
  const listeners: ((ev: TopologyEvent) => void)[] = [];
  const service = { subscribe: (l: (ev: TopologyEvent) => void) => (listeners.push(l), () => undefined) } as unknown as TopologyService;
  return { service, fire: (ev) => listeners.forEach((l) => l(ev)) };
}

const HOST = { mac: '02:00:00:00:00:07', ipv4: ['10.1.2.3'], ipv6: [], dpid: '00000000000000a1', port: 3, firstSeen: 5, lastSeen: 9 };

t.test('topology events count while nobody listens, and convert once somebody does', async (t) => {
  const bus = new EventBus(() => 1_700_000_000_000);
  const topo = fakeTopology();
  bus.attachTopology(topo.service);
  topo.fire({ type: 'hostUpdated', host: HOST });
  topo.fire({ type: 'switchAdded', dpid: '00000000000000a1' }); // comes from the connection layer instead
  topo.fire({ type: 'portAdded', dpid: '00000000000000a1', port: 3, live: true });
  const got: WeftEvent[] = [];
  bus.subscribe((e) => got.push(e));
  topo.fire({ type: 'hostMoved', host: HOST, from: { dpid: '00000000000000a2', port: 4 } });
  topo.fire({ type: 'switchRemoved', dpid: '00000000000000a1' });
  t.equal(got.length, 1, 'switch events are not bus events');
  t.match(got[0], { type: 'host_moved', mac: HOST.mac, ipv4: ['10.1.2.3'], at: { dpid: HOST.dpid, port: 3 }, from: { dpid: '00000000000000a2', port: 4 }, seq: 3 });
  t.equal(got[0]!.time, new Date(1_700_000_000_000).toISOString());
});
