/** rest_topology routes over real HTTP, from a fake topology service: Ryu's shapes (golden). */
import t from 'tap';
import { OFPP } from '../../protocol/index.js';
import { makePort } from '../support/fake-switch.js';
import { http } from './rig.js';
import { golden } from './ryu-golden.js';
import { startFakeServer } from './ryu-fake-deps.js';

const D1 = '0000000000000001';
const D2 = '0000000000000002';
const port = (n: number, sw: number, name: string) => makePort(n, name, { hwAddr: `0a:00:00:00:0${sw}:0${n}` });

t.test('rest_topology', async (t) => {
  const f = await startFakeServer({
    [D1]: [port(2, 1, 's1-eth2'), port(1, 1, 's1-eth1'), makePort(OFPP.LOCAL, 's1')],
    [D2]: [port(1, 2, 's2-eth1')],
  });
  t.teardown(() => f.close());
  f.topology.sw = [D2, D1];
  f.topology.ls = [{ src: { dpid: D1, port: 2 }, dst: { dpid: D2, port: 1 } }, { src: { dpid: D2, port: 1 }, dst: { dpid: D1, port: 2 } }];
  f.topology.hs = [{ mac: '00:00:00:00:00:01', ipv4: ['10.0.0.1'], ipv6: ['fe80::200:ff:fe00:1'], dpid: D1, port: 1, firstSeen: 1, lastSeen: 2 }];
  const get = async (path: string) => {
    const r = await http(f, 'GET', path);
    t.equal(r.status, 200, `${path}: ${r.text.slice(0, 200)}`);
    return r.json;
  };
  const switches = golden('topology-switches') as { dpid: string }[];
  const links = golden('topology-links') as { src: { dpid: string } }[];
  const hosts = golden('topology-hosts') as { port: { dpid: string } }[];
  t.strictSame(await get('/v1.0/topology/switches'), switches);
  t.strictSame(await get(`/v1.0/topology/switches/${D2}`), switches.filter((s) => s.dpid === D2));
  t.strictSame(await get('/v1.0/topology/links'), links);
  t.strictSame(await get(`/v1.0/topology/links/${D1}`), links.filter((l) => l.src.dpid === D1));
  t.strictSame(await get('/v1.0/topology/hosts'), hosts);
  t.strictSame(await get(`/v1.0/topology/hosts/${D2}`), []);
  t.strictSame(await get(`/v1.0/topology/hosts/${D1}`), hosts);
  t.equal((await http(f, 'GET', '/v1.0/topology/links/xyz')).status, 400);
});

t.test('without the topology app: switches from the connections, links and hosts 503', async (t) => {
  const f = await startFakeServer({ [D1]: [port(1, 1, 's1-eth1')] }, { topology: false });
  t.teardown(() => f.close());
  const r = await http(f, 'GET', '/v1.0/topology/switches');
  t.strictSame(r.json, [{ dpid: D1, ports: [{ dpid: D1, port_no: '00000001', hw_addr: '0a:00:00:00:01:01', name: 's1-eth1' }] }]);
  t.equal((await http(f, 'GET', '/v1.0/topology/links')).status, 503);
  t.equal((await http(f, 'GET', '/v1.0/topology/hosts')).status, 503);
});
