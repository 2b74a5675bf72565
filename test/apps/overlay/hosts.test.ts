/**
 * The overlay app's configuration: options refused at start naming the key, subnet allocation
 * from the cluster range, host input checks (400 naming the field, 409), and hosts kept in the
 * state store coming back with their subnets. The datapath side is test/e2e/overlay-hosts.test.ts.
 */
import t from 'tap';
import { HttpError, memoryAppState } from '../../../apps/sdk/index.js';
import type { App, RouteHandler, SwitchView } from '../../../apps/sdk/index.js';
import { createOverlayApp } from '../../../apps/overlay/index.js';
import { Hosts } from '../../../apps/overlay/hosts.js';
import { allocate, gatewayMac, parseCidr } from '../../../apps/overlay/ipam.js';
import { parseOptions } from '../../../apps/overlay/options.js';
import { makeHost } from '../../host/helpers.js';

t.test('options: defaults, and bad values stop the start naming the key', async (t) => {
  const o = parseOptions({});
  t.same([o.mode, o.cluster.text, o.subnetPrefix, o.vni, o.table, o.tunnelPort, o.uplinkPort], ['vxlan', '10.244.0.0/16', 24, 1, 0, 'vxlan0', 'uplink']);
  t.throws(() => parseOptions({ mode: 'gre' }), /overlay option mode: expected "vxlan" or "routed", got "gre"/);
  t.throws(() => parseOptions({ clusterCidr: '10.244.0.1/16' }), /clusterCidr: 10\.244\.0\.1\/16 has host bits set/);
  t.throws(() => parseOptions({ subnetPrefix: 12 }), /subnetPrefix: \/12 is wider than the cluster range/);
  t.throws(() => parseOptions({ vni: 1 << 24 }), /vni: expected an integer in 0-16777215/);
  t.throws(() => parseOptions({ vnid: 3 }), /option vnid is unknown/);
  t.throws(() => makeHost([createOverlayApp({ hosts: [{ name: 'a', dpid: 'x!', underlay: '172.31.0.1' }] })]), /overlay option hosts\[0\]: dpid/);
});

t.test('allocation: the lowest free subnet, none when the range is full', async (t) => {
  const c = parseCidr('10.244.0.0/22');
  t.equal(allocate(c, 24, new Set())?.text, '10.244.0.0/24');
  t.equal(allocate(c, 24, new Set([c.net, c.net + 512]))?.text, '10.244.1.0/24');
  t.equal(allocate(c, 24, new Set([0, 1, 2, 3].map((i) => c.net + 256 * i))), undefined);
  t.equal(gatewayMac(parseCidr('10.244.1.0/24').net + 1), '0a:58:0a:f4:01:01');
});

t.test('hosts: input errors are 400 naming the field, conflicts 409', async (t) => {
  const hosts = new Hosts(parseOptions({ clusterCidr: '10.244.0.0/23' }));
  const err = (spec: unknown, status: number, re: RegExp, field?: string) => {
    try {
      hosts.add(spec);
      t.fail(`${JSON.stringify(spec)} accepted`);
    } catch (e) {
      t.ok(e instanceof HttpError);
      t.equal((e as HttpError).status, status, `${JSON.stringify(spec)}: ${status}`);
      t.match((e as Error).message, re);
      if (field) t.equal((e as HttpError).field, field);
    }
  };
  err(null, 400, /expected an object/);
  err({ name: '', dpid: '1', underlay: '10.0.0.1' }, 400, /name: required/, 'name');
  err({ name: 'a', dpid: 'zz', underlay: '10.0.0.1' }, 400, /dpid: .*not hex/, 'dpid');
  err({ name: 'a', dpid: '1', underlay: '10.0.0' }, 400, /underlay: expected an IPv4 address/, 'underlay');
  err({ name: 'a', dpid: '1', underlay: '10.0.0.1', subnet: '10.245.0.0/24' }, 400, /subnet: expected a \/24 inside 10\.244\.0\.0\/23/, 'subnet');
  err({ name: 'a', dpid: '1', underlay: '10.0.0.1', vni: 3 }, 400, /vni: unknown field/, 'vni');
  const a = hosts.add({ name: 'a', dpid: '00:00:00:00:00:00:00:01', underlay: '10.0.0.1', subnet: '10.244.1.0/24' });
  t.same([a.dpid, a.subnet.text, a.gateway, a.gatewayMac], ['0000000000000001', '10.244.1.0/24', '10.244.1.1', '0a:58:0a:f4:01:01']);
  err({ name: 'a', dpid: '2', underlay: '10.0.0.2' }, 409, /host a exists/);
  err({ name: 'b', dpid: '1', underlay: '10.0.0.2' }, 409, /bridge 0000000000000001 is host a/);
  err({ name: 'b', dpid: '2', underlay: '10.0.0.1' }, 409, /underlay 10\.0\.0\.1 is host a's/);
  err({ name: 'b', dpid: '2', underlay: '10.0.0.2', subnet: '10.244.1.0/24' }, 409, /belongs to another host/);
  t.equal(hosts.add({ name: 'b', dpid: '2', underlay: '10.0.0.2' }).subnet.text, '10.244.0.0/24', 'the free one below a');
  err({ name: 'c', dpid: '3', underlay: '10.0.0.3' }, 409, /no free \/24 left/);
  t.equal(hosts.remove('a').name, 'a');
  t.equal(hosts.add({ name: 'c', dpid: '3', underlay: '10.0.0.3' }).subnet.text, '10.244.1.0/24', 'a freed subnet is allocated again');
  t.throws(() => hosts.remove('a'), /no host a/);
});

/** The app's REST handlers, by "METHOD path". */
function routesOf(app: App): Map<string, RouteHandler> {
  const m = new Map<string, RouteHandler>();
  const add = (method: string) => (path: string, h: RouteHandler) => void m.set(`${method} ${path}`, h);
  app.routes!({ get: add('GET'), post: add('POST'), put: add('PUT'), patch: add('PATCH'), delete: add('DELETE') });
  return m;
}

t.test('a host added over REST is saved; a restart restores it with its subnet and flows', async (t) => {
  const state = memoryAppState();
  const opts = { vni: 77, hosts: [{ name: 'a', dpid: 'a0', underlay: '172.31.0.1' }] };
  const first = createOverlayApp(opts);
  makeHost([first], { appState: () => state });
  const r1 = routesOf(first);
  // b takes the second /24 at first; c the third. b leaves, so c's stored subnet must not move.
  await r1.get('POST /hosts')!({ params: {}, query: {}, body: { name: 'b', dpid: 'a1', underlay: '172.31.0.2' } });
  const c = (await r1.get('POST /hosts')!({ params: {}, query: {}, body: { name: 'c', dpid: 'a2', underlay: '172.31.0.3' } })) as { subnet: string };
  t.equal(c.subnet, '10.244.2.0/24');
  await r1.get('DELETE /hosts/:name')!({ params: { name: 'b' }, query: {}, body: undefined });
  t.same(state.entries('hosts/').map(([k]) => k), ['hosts/c'], 'only the REST host is in the state store');

  const second = createOverlayApp(opts);
  makeHost([second], { appState: () => state });
  const hosts = (await routesOf(second).get('GET /hosts')!({ params: {}, query: {}, body: undefined })) as { name: string; subnet: string }[];
  t.same(hosts.map((h) => `${h.name} ${h.subnet}`), ['a 10.244.0.0/24', 'c 10.244.2.0/24'], 'c back with its subnet after the restart');
  const sw = { dpid: '00000000000000a0', ports: new Map([[100, { portNo: 100, name: 'vxlan0' }]]) } as unknown as SwitchView;
  const flows = second.desiredFlows!(sw);
  const toC = flows.find((f) => f.priority === 200)!;
  t.same(toC.match, [{ field: 'eth_type', value: 0x0800 }, { field: 'ipv4_dst', value: '10.244.2.0', mask: '255.255.255.0' }]);
  t.same((toC.instructions[0] as { actions: unknown[] }).actions.slice(3), [
    { type: 'setField', field: { field: 'tunnel_id', value: 77n } },
    { type: 'setField', field: { field: 'tun_dst', value: '172.31.0.3' } },
    { type: 'output', port: 100, maxLen: 0 },
  ], 'VNI and tun_dst of c, out of the tunnel port');
  t.same(second.desiredFlows!({ ...sw, dpid: '00000000000000ff' } as SwitchView), [], 'no flows on a bridge that is no host');
});
