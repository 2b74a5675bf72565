/** Switch, port and table routes over real HTTP against weft with a scripted fake switch. */
import t from 'tap';
import { OFPP, OFPPC } from '../../protocol/index.js';
import { http, startRig } from './rig.js';

t.test('switch routes', async (t) => {
  const rig = await startRig();
  t.teardown(() => rig.close());
  const api = `/api/v1/switches/${rig.dpid}`;

  t.test('list and one switch, in every datapath id form', async (t) => {
    const list = await http(rig, 'GET', '/api/v1/switches');
    t.equal(list.status, 200);
    t.equal(list.json.length, 1);
    t.match(list.json[0], { dpid: '00005eed0000002a', datapathId: String(0x5eed0000002an), remoteAddress: '127.0.0.1', tls: false, nTables: 254, nPorts: 3, software: 'fake switch 9.8.7' });
    for (const form of ['00005eed0000002a', '00:00:5e:ed:00:00:00:2a', '0x5eed0000002a', '00005EED0000002A']) {
      const one = await http(rig, 'GET', `/api/v1/switches/${form}`);
      t.equal(one.status, 200, form);
      t.equal(one.json.dpid, '00005eed0000002a', `${form} printed as 16 hex digits`);
    }
    const one = await http(rig, 'GET', api);
    t.same(one.json.description, { manufacturer: 'Weft test rig', hardware: 'fake switch hw', software: 'fake switch 9.8.7', serialNumber: 'SN-4242', datapath: 'fake dp' });
    t.same(one.json.features, { nBuffers: 0, nTables: 254, auxiliaryId: 0, capabilities: ['flow_stats', 'table_stats', 'port_stats', 'group_stats', 'queue_stats'] });
    t.equal(one.json.connection.remoteAddress, '127.0.0.1');
    t.ok(Date.parse(one.json.connection.connectedAt) > 0);
    t.same(
      one.json.ports.map((p: { portNo: number; name: string; admin: string; link: string; live: boolean }) => [p.portNo, p.name, p.admin, p.link, p.live]),
      [[1, 'eth1', 'up', 'up', true], [2, 'eth2', 'up', 'up', true], [7, 'uplink7', 'up', 'down', false]],
    );
    t.equal(one.json.ports[0].hwAddr, '02:5e:00:00:01:a1');
    t.equal(one.json.ports[0].currSpeedKbps, 10_000_001);
  });

  t.test('unknown and malformed datapath ids', async (t) => {
    const missing = await http(rig, 'GET', '/api/v1/switches/00000000000000ff');
    t.equal(missing.status, 404);
    t.same(missing.json, { error: { status: 404, code: 'not_found', message: 'switch 00000000000000ff is not connected' } });
    for (const path of ['/flows', '/ports/stats', '/tables/stats', '/groups', '/meters']) {
      const r = await http(rig, 'GET', `/api/v1/switches/0x77${path}`);
      t.equal(r.status, 404, `${path} of an unknown switch`);
      t.equal(r.json.error.code, 'not_found');
    }
    for (const bad of ['42', 'xyz', '00:00:00', '0x' + 'f'.repeat(17)]) {
      const r = await http(rig, 'GET', `/api/v1/switches/${bad}`);
      t.equal(r.status, 400, bad);
      t.equal(r.json.error.field, 'dpid');
    }
    const route = await http(rig, 'GET', '/api/v1/nothing-here');
    t.equal(route.status, 404);
    t.equal(route.json.error.message, 'no route GET /api/v1/nothing-here');
  });

  t.test('table and port statistics come from multipart requests', async (t) => {
    rig.script.tables = [
      { tableId: 0, activeCount: 3, lookupCount: 1234n, matchedCount: 1200n },
      { tableId: 1, activeCount: 0, lookupCount: 5n, matchedCount: 0n },
    ];
    const tables = await http(rig, 'GET', `${api}/tables/stats`);
    t.equal(tables.status, 200);
    t.same(tables.json, [
      { table: 0, activeCount: 3, lookupCount: 1234, matchedCount: 1200 },
      { table: 1, activeCount: 0, lookupCount: 5, matchedCount: 0 },
    ]);
    const active = await http(rig, 'GET', `${api}/tables/stats?active=true`);
    t.same(active.json.map((x: { table: number }) => x.table), [0]);

    const ps = { rxPackets: 11n, txPackets: 12n, rxBytes: 1300n, txBytes: 1400n, rxDropped: 1n, txDropped: 2n, rxErrors: 3n, txErrors: 4n, rxFrameErr: 5n, rxOverErr: 6n, rxCrcErr: 7n, collisions: 8n, durationSec: 99, durationNsec: 100 };
    rig.script.portStats = [{ portNo: 2, ...ps }, { portNo: OFPP.LOCAL, ...ps, rxPackets: 77n }];
    const ports = await http(rig, 'GET', `${api}/ports/stats`);
    t.equal(ports.status, 200);
    t.same(ports.json[0], { portNo: 2, rxPackets: 11, txPackets: 12, rxBytes: 1300, txBytes: 1400, rxDropped: 1, txDropped: 2, rxErrors: 3, txErrors: 4, rxFrameErr: 5, rxOverErr: 6, rxCrcErr: 7, collisions: 8, durationSec: 99, durationNsec: 100 });
    t.equal(ports.json[1].portNo, 'LOCAL');
    const req = rig.got('multipartRequest').filter((m) => m.body.kind === 'portStats').at(-1)!;
    t.match(req.body, { kind: 'portStats', portNo: OFPP.ANY });
    await http(rig, 'GET', `${api}/ports/stats?port=2`);
    t.match(rig.got('multipartRequest').at(-1)!.body, { kind: 'portStats', portNo: 2 });
  });

  t.test('port admin down/up sends PORT_MOD with the hw address, confirmed by a barrier', async (t) => {
    const barriersBefore = rig.got('barrierRequest').length;
    const down = await http(rig, 'POST', `${api}/ports/2`, { body: { admin: 'down' } });
    t.equal(down.status, 200);
    t.equal(down.json.admin, 'down');
    const mod = rig.got('portMod').at(-1)!;
    t.match(mod, { portNo: 2, hwAddr: '02:5e:00:00:02:a2', config: OFPPC.PORT_DOWN, mask: OFPPC.PORT_DOWN, advertise: 0 });
    t.equal(rig.got('barrierRequest').length, barriersBefore + 1, 'one barrier');
    const up = await http(rig, 'POST', `${api}/ports/2`, { body: { admin: 'up' } });
    t.equal(up.json.admin, 'up');
    t.match(rig.got('portMod').at(-1)!, { portNo: 2, config: 0, mask: OFPPC.PORT_DOWN });

    const noPort = await http(rig, 'POST', `${api}/ports/9`, { body: { admin: 'up' } });
    t.equal(noPort.status, 404);
    const bad = await http(rig, 'POST', `${api}/ports/2`, { body: { admin: 'sideways' } });
    t.equal(bad.status, 400);
    t.equal(bad.json.error.field, 'admin');
    t.match(bad.json.error.message, /admin: must be one of "up", "down"/);
    const missing = await http(rig, 'POST', `${api}/ports/2`, { body: {} });
    t.equal(missing.json.error.field, 'admin');
    t.match(missing.json.error.message, /admin: missing/);

    rig.script.reject = (m) => (m.type === 'portMod' ? 'OFPET_PORT_MOD_FAILED/OFPPMFC_BAD_HW_ADDR' : undefined);
    const refused = await http(rig, 'POST', `${api}/ports/1`, { body: { admin: 'down' } });
    rig.script.reject = undefined;
    t.equal(refused.status, 422);
    t.same(refused.json.error.openflow, { type: 'OFPET_PORT_MOD_FAILED', code: 'OFPPMFC_BAD_HW_ADDR' });
    t.equal(refused.json.error.code, 'switch_error');
  });

  t.test('a switch that does not answer gives 504', async (t) => {
    rig.sw.answerBarrier = false;
    const r = await http(rig, 'POST', `${api}/ports/1`, { body: { admin: 'up' } });
    rig.sw.answerBarrier = true;
    t.equal(r.status, 504, 'no silent 200 when the barrier never comes back');
    t.equal(r.json.error.code, 'switch_timeout');
    t.match(r.json.error.message, /barrierRequest xid \d+: no reply within 800 ms/);
  });
});
