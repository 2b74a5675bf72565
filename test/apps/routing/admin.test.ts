/**
 * Configuration and validation: options refused at start, commands, and the REST routes under
 * /api/v1/apps/routing (real HTTP against weft started in-process, no switch).
 */
import t from 'tap';
import { Writable } from 'node:stream';
import { defaultConfig } from '../../../src/config/index.js';
import type { WeftConfig } from '../../../src/config/index.js';
import { startWeft } from '../../../src/main.js';
import { freePort } from '../../support/weft-process.js';
import { http } from '../../rest/rig.js';
import { createRoutingApp } from '../../../apps/routing/index.js';
import { createTopologyApp } from '../../../apps/topology/index.js';
import { makeHost } from '../../host/helpers.js';
import { HttpError } from '../../../apps/sdk/index.js';
import { lab } from './lab.js';

const start = (options: Record<string, unknown>) => {
  const { host } = makeHost([createTopologyApp({}), createRoutingApp(options)]);
  return host;
};

t.test('options: bad interfaces and routes stop the start, naming the entry', async (t) => {
  t.throws(() => start({ interfaces: [{ address: '10.0.1.0/24' }] }), /interfaces\[0\]: address: 10\.0\.1\.0 is the network address/);
  t.throws(() => start({ interfaces: [{ address: '10.0.1.1/24' }, { address: '10.0.1.129/25' }] }), /interfaces\[1\]: address: subnet 10\.0\.1\.128\/25 overlaps interface 10\.0\.1\.1\/24/);
  t.throws(() => start({ interfaces: [{ address: '10.0.1.1/24' }], routes: [{ prefix: '10.0.9.0/24', nextHop: '10.0.7.1' }] }), /routes\[0\]: nextHop: 10\.0\.7\.1 is not in any connected subnet/);
  t.throws(() => start({ interfaces: [{ address: '10.0.1.1/24', vlan: 3 }] }), /interfaces\[0\]\.vlan is unknown/);
  t.throws(() => start({ arpRetries: 0 }), /arpRetries: expected an integer in 1-20/);
  t.throws(() => start({ tabel: 1 }), /option tabel is unknown/);
  t.throws(() => makeHost([createRoutingApp({})]), /needs the topology app/);
  const ok = start({ interfaces: [{ address: '10.0.1.1/24' }], routes: [{ prefix: '0.0.0.0/0', nextHop: '10.0.1.254' }] });
  t.same((ok.command('routing', 'routes', undefined) as { prefix: string }[]).map((r) => r.prefix), ['10.0.1.0/24', '0.0.0.0/0']);
});

t.test('commands validate like REST: each problem named', async (t) => {
  const l = lab();
  const bad = (name: string, args: unknown, status: number, re: RegExp, field?: string) => {
    try {
      l.host.command('routing', name, args);
      t.fail(`${name} ${JSON.stringify(args)} accepted`);
    } catch (err) {
      t.ok(err instanceof HttpError, 'an HttpError');
      t.equal((err as HttpError).status, status, `${name} ${JSON.stringify(args)}: ${status}`);
      t.match((err as Error).message, re);
      if (field) t.equal((err as HttpError).field, field);
    }
  };
  bad('addInterface', { address: '10.0.2.77/24' }, 400, /overlaps interface 10\.0\.2\.1\/24/, 'address');
  bad('addInterface', { address: '10.0.8.255/24' }, 400, /broadcast address of 10\.0\.8\.0\/24/, 'address');
  bad('addInterface', { address: '10.0.8.0/24' }, 400, /network address/, 'address');
  bad('addInterface', { address: '10.0.8.1/33' }, 400, /prefix length/, 'address');
  bad('addInterface', { address: '10.0.8.1' }, 400, /no prefix length/, 'address');
  bad('addInterface', { address: '10.0.8.1/31' }, 400, /out of range/, 'address');
  bad('addInterface', { address: 'fe80::1/64' }, 400, /not IPv4/, 'address');
  bad('addInterface', { address: '10.0.8.1/24', mac: '01:00:5e:00:00:01' }, 400, /not a unicast MAC/, 'mac');
  bad('addInterface', { address: '10.0.8.1/24', mac: 'nope' }, 400, /not a MAC/, 'mac');
  bad('addRoute', { prefix: '10.0.9.1/24', nextHop: '10.0.3.2' }, 400, /host bits set/, 'prefix');
  bad('addRoute', { prefix: '10.0.9.0/40', nextHop: '10.0.3.2' }, 400, /prefix length/, 'prefix');
  bad('addRoute', { prefix: '10.0.9.0/24', nextHop: '10.0.8.2' }, 400, /not in any connected subnet/, 'nextHop');
  bad('addRoute', { prefix: '10.0.9.0/24', nextHop: '10.0.3.1' }, 400, /router's own address/, 'nextHop');
  bad('addRoute', { prefix: '10.0.9.0/24', nextHop: '10.0.3.255' }, 400, /broadcast/, 'nextHop');
  bad('addRoute', { prefix: '10.0.2.128/25', nextHop: '10.0.3.2' }, 400, /inside connected subnet 10\.0\.2\.0\/24/, 'prefix');
  bad('addRoute', { prefix: '10.0.9.0/24' }, 400, /nextHop: required/, 'nextHop');
  l.host.command('routing', 'addRoute', { prefix: '10.0.9.0/24', nextHop: '10.0.3.2' });
  bad('addRoute', { prefix: '10.0.9.0/24', nextHop: '10.0.3.4' }, 409, /exists/);
  bad('deleteRoute', { prefix: '10.0.10.0/24' }, 404, /no route/);
  bad('deleteInterface', { address: '10.0.3.1' }, 409, /next hop of 10\.0\.9\.0\/24 via 10\.0\.3\.2/);
  bad('deleteInterface', { address: '10.0.4.1' }, 404, /no interface/);
  bad('launch', {}, 400, /unknown command launch/);
});

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

t.test('REST: /api/v1/apps/routing/interfaces and /routes', async (t) => {
  const base = defaultConfig();
  const config: WeftConfig = {
    ...base,
    openflow: { ...base.openflow, host: '127.0.0.1', port: await freePort() },
    rest: { ...base.rest, port: await freePort() },
    apps: ['table-miss', 'topology', 'l2-learning', 'routing'],
    appOptions: { routing: { interfaces: [{ address: '10.0.1.1/24' }] } },
    log: { level: 'silent', levels: {} },
  };
  const weft = await startWeft(config, { logDestination: quiet });
  t.teardown(() => weft.stop());
  const rig = { base: `http://127.0.0.1:${weft.restAddress().port}` };
  const api = '/api/v1/apps/routing';

  let r = await http(rig, 'GET', `${api}/interfaces`);
  t.equal(r.status, 200);
  t.same(r.json, [{ address: '10.0.1.1/24', ip: '10.0.1.1', network: '10.0.1.0/24', mac: '0e:00:0a:00:01:01' }]);

  r = await http(rig, 'POST', `${api}/interfaces`, { body: { address: '10.0.2.1/24', mac: '02:00:00:00:02:01' } });
  t.equal(r.status, 201);
  t.equal(r.json.mac, '02:00:00:00:02:01');

  r = await http(rig, 'POST', `${api}/interfaces`, { body: { address: '10.0.2.9/16' } });
  t.equal(r.status, 400);
  t.equal(r.json.error.field, 'address');
  t.match(r.json.error.message, /overlaps interface 10\.0\.1\.1\/24/);

  r = await http(rig, 'POST', `${api}/interfaces`, { body: { address: '10.0.3.1/24', colour: 'red' } });
  t.equal(r.status, 400, 'unknown body field refused by the schema');

  r = await http(rig, 'POST', `${api}/routes`, { body: { prefix: '10.0.9.0/24', nextHop: '10.0.2.2' } });
  t.equal(r.status, 201);
  t.same([r.json.prefix, r.json.nextHop, r.json.state], ['10.0.9.0/24', '10.0.2.2', 'resolving']);

  r = await http(rig, 'POST', `${api}/routes`, { body: { prefix: '10.0.9.0/33', nextHop: '10.0.2.2' } });
  t.equal(r.status, 400);
  t.equal(r.json.error.field, 'prefix');

  r = await http(rig, 'POST', `${api}/routes`, { body: { prefix: '10.0.9.0/24', nextHop: '10.0.2.3' } });
  t.equal(r.status, 409);

  r = await http(rig, 'GET', `${api}/routes`);
  t.same(r.json.map((x: { prefix: string; type: string; state: string }) => [x.prefix, x.type, x.state]), [
    ['10.0.1.0/24', 'connected', 'resolved'],
    ['10.0.2.0/24', 'connected', 'resolved'],
    ['10.0.9.0/24', 'static', 'resolving'],
  ]);

  r = await http(rig, 'DELETE', `${api}/interfaces/10.0.2.1`);
  t.equal(r.status, 409, 'still the way to a route\'s next hop');
  r = await http(rig, 'DELETE', `${api}/routes/10.0.9.0/24`);
  t.equal(r.status, 200);
  r = await http(rig, 'DELETE', `${api}/routes/10.0.9.0/24`);
  t.equal(r.status, 404);
  r = await http(rig, 'DELETE', `${api}/interfaces/10.0.2.1`);
  t.equal(r.status, 200);
  r = await http(rig, 'GET', `${api}/neighbors`);
  t.same(r.json, []);
  r = await http(rig, 'GET', '/api/v1/apps');
  const app = r.json.find((a: { name: string }) => a.name === 'routing');
  t.equal(app.routes, true);
  t.equal(app.stats.interfaces, 1);
});
