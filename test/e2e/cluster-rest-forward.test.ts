/**
 * REST writes on the instance that is not a switch's master, proxied to the master's REST API
 * (src/rest/cluster-forward.ts), on a real etcd and real Open vSwitch bridges: every kind of
 * write (groups, meters, port mods, bulk flows, the Ryu-compatible flowentry, groupentry,
 * meterentry, portdesc and clear routes) takes effect on a switch mastered by the other instance,
 * with the master's real answer (including the switch's refusals); a forwarded request is never
 * forwarded again; a dead master gives 503 master_unreachable until the survivor takes over.
 */
import t from 'tap';
import { startClusterRig, until } from '../support/cluster-rig.js';
import type { Instance } from '../support/cluster-rig.js';

t.test('writes on the non-master are applied by the master', async (t) => {
  const rig = await startClusterRig({ instances: 2, bridges: 2 });
  t.teardown(() => rig.stop());
  for (const br of rig.bridges) await rig.ovs.addPort(br, `${br}p1`, { type: 'dummy', ofport: 1 });
  const [a, b] = rig.instances as [Instance, Instance];
  await Promise.all([rig.start(a), rig.start(b)]);
  // Each instance masters one switch; w0 writes to w1's switch.
  const dpid = await until(async () => {
    const st = await rig.status(b);
    const mine = st.switches.filter((s) => s.writable);
    return mine.length === 1 && st.switches.length === 2 && st.switches.every((s) => s.master !== null) ? mine[0]!.dpid : undefined;
  }, 15_000, 'w1 masters one switch');
  await until(async () => (await rig.status(a)).switches.some((s) => s.writable && s.dpid !== dpid) || undefined, 15_000, 'w0 masters the other');
  const br = rig.bridges[rig.dpids.indexOf(dpid)]!;
  const ryuDp = Number(BigInt(`0x${dpid}`));
  const ofctl = (...args: string[]) => rig.ovs.ofctl('-O', 'OpenFlow13', ...args);

  const call = async (path: string, method: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`http://127.0.0.1:${a.restPort}${path}`, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return { status: res.status, master: res.headers.get('x-weft-master'), text, json: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };
  const api = `/api/v1/switches/${dpid}`;

  t.test('native routes', async (t) => {
    const g = await call(`${api}/groups`, 'POST', { groupId: 5, type: 'all', buckets: [{ actions: [{ type: 'output', port: 1 }] }] });
    t.equal(g.status, 201, g.text);
    t.equal(g.master, 'w1', 'answered by the master');
    t.match(g.json, { groupId: 5, type: 'all' }, "the master's answer");
    t.match(await ofctl('dump-groups', br), /group_id=5,type=all,bucket=actions=output:1/, 'group on the switch');
    const again = await call(`${api}/groups`, 'POST', { groupId: 5, type: 'all', buckets: [] });
    t.equal(again.status, 409, "the switch's refusal comes back");
    t.match(again.json, { error: { openflow: { code: 'OFPGMFC_GROUP_EXISTS' } } });
    const gmod = await call(`${api}/groups/5`, 'PUT', { type: 'all', buckets: [] });
    t.equal(gmod.status, 200, gmod.text);
    t.notMatch(await ofctl('dump-groups', br), /output:1/, 'group modified');
    const gdel = await call(`${api}/groups/5`, 'DELETE');
    t.ok(gdel.status === 200 || gdel.status === 204, `group delete ${gdel.status}`);
    t.notMatch(await ofctl('dump-groups', br), /group_id=5/, 'group deleted');

    const m = await call(`${api}/meters`, 'POST', { meterId: 3, bands: [{ type: 'drop', rate: 1000 }] });
    t.equal(m.status, 201, m.text);
    t.match(await ofctl('dump-meters', br), /meter=3 kbps bands=\s*type=drop rate=1000/, 'meter on the switch');
    const mdel = await call(`${api}/meters/3`, 'DELETE');
    t.ok(mdel.status === 200 || mdel.status === 204, `meter delete ${mdel.status}`);
    t.notMatch(await ofctl('dump-meters', br), /meter=3/, 'meter deleted');

    const down = await call(`${api}/ports/1`, 'POST', { admin: 'down' });
    t.equal(down.status, 200, down.text);
    t.match(await ofctl('dump-ports-desc', br), /1\(\S+\):[^]*?config:\s+PORT_DOWN/, 'port 1 down on the switch');

    const flows = Array.from({ length: 50 }, (_, i) => ({ priority: 100 + i, match: { eth_type: '0x800', ipv4_dst: `10.7.0.${i}` }, actions: [] }));
    const bulk = await call(`${api}/flows/bulk`, 'POST', { flows, persistent: false });
    t.equal(bulk.status, 200, bulk.text);
    t.match(bulk.json, { count: 50, accepted: 50 }, "the master's bulk summary");
    t.equal((await ofctl('dump-flows', br)).split('\n').filter((l) => l.includes('nw_dst=10.7.0.')).length, 50, '50 flows on the switch');
    const badBulk = await call(`${api}/flows/bulk`, 'POST', { flows: [{ priority: 1, actions: [{ type: 'group', groupId: 4242 }] }], persistent: false });
    t.equal(badBulk.status, 422, 'a flow the switch refuses: 422 with its index');
    t.match(badBulk.json, { error: { details: { rejected: 1, errors: [{ index: 0 }] } } });

    const rec = await call(`${api}/reconciliation`, 'POST');
    t.equal(rec.status, 200, rec.text);
    t.equal(rec.master, 'w1', 'reconciliation runs on the master');

    // A bad body: the master's validation answers.
    const invalid = await call(`${api}/groups`, 'POST', { groupId: 'x', type: 'all' });
    t.equal(invalid.status, 400);
    t.equal(invalid.master, 'w1');
  });

  t.test('Ryu-compatible routes', async (t) => {
    const f = await call('/stats/flowentry/add', 'POST', { dpid: ryuDp, table_id: 2, priority: 77, match: { in_port: 1 }, actions: [{ type: 'OUTPUT', port: 'CONTROLLER' }] });
    t.equal(f.status, 200, f.text);
    t.equal(f.master, 'w1');
    t.match(await ofctl('dump-flows', br, 'table=2'), /priority=77,in_port=1 actions=CONTROLLER/, 'flowentry add on the switch');
    const g = await call('/stats/groupentry/add', 'POST', { dpid: ryuDp, type: 'ALL', group_id: 6, buckets: [{ actions: [{ type: 'OUTPUT', port: 1 }] }] });
    t.equal(g.status, 200, g.text);
    t.match(await ofctl('dump-groups', br), /group_id=6/, 'groupentry add on the switch');
    const m = await call('/stats/meterentry/add', 'POST', { dpid: ryuDp, flags: 'KBPS', meter_id: 4, bands: [{ type: 'DROP', rate: 500 }] });
    t.equal(m.status, 200, m.text);
    t.match(await ofctl('dump-meters', br), /meter=4/, 'meterentry add on the switch');
    const p = await call('/stats/portdesc/modify', 'POST', { dpid: ryuDp, port_no: 1, config: 0, mask: 1 });
    t.equal(p.status, 200, p.text);
    t.notMatch(await ofctl('dump-ports-desc', br), /1\(\S+\):[^(]*config:\s+PORT_DOWN/, 'portdesc modify: port 1 up again');
    // A Python-dict body (Ryu's users post those) reaches the master as it was written.
    const res = await fetch(`http://127.0.0.1:${a.restPort}/stats/flowentry/add`, { method: 'POST', body: `{'dpid': ${ryuDp}, 'table_id': 2, 'priority': 78, 'actions': []}` });
    t.equal(res.status, 200, await res.text());
    t.match(await ofctl('dump-flows', br, 'table=2'), /priority=78/, 'a Python-dict body forwarded unchanged');
    const bad = await call('/stats/flowentry/add', 'POST', { dpid: ryuDp, table_id: 4, priority: 9, actions: [{ type: 'GROUP', group_id: 4242 }] });
    t.equal(bad.status, 422, "the switch's refusal comes back");
    const clear = await call(`/stats/flowentry/clear/${ryuDp}`, 'DELETE');
    t.equal(clear.status, 200, clear.text);
    t.match(await ofctl('dump-aggregate', br), /flow_count=0\b/, 'clear on the switch');
  });

  t.test('loops and a dead master', async (t) => {
    const loop = await call(`${api}/groups`, 'POST', { groupId: 8, type: 'all', buckets: [] }, { 'x-weft-forwarded-by': 'w9' });
    t.equal(loop.status, 409, 'a forwarded request is not forwarded again');
    t.match(loop.json, { error: { code: 'not_master', message: /forwarded by w9/ } });
    t.equal(loop.master, null);

    process.kill(b.proc!.pid, 'SIGKILL');
    await b.proc!.exited;
    const dead = await call(`${api}/groups`, 'POST', { groupId: 9, type: 'all', buckets: [] });
    t.equal(dead.status, 503, 'the master is gone, its lease not expired yet');
    t.match(dead.json, { error: { code: 'master_unreachable', message: /instance w1 at 127\.0\.0\.1:\d+, did not answer/ } });
    await until(async () => (await rig.status(a)).switches.find((s) => s.dpid === dpid)?.writable || undefined, 10_000, 'w0 takes the switch');
    const local = await call(`${api}/groups`, 'POST', { groupId: 9, type: 'all', buckets: [] });
    t.equal(local.status, 201, 'then written by the new master itself');
    t.equal(local.master, null);
  });
});
