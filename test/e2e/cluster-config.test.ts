/**
 * App configuration across a 2-instance cluster: routing interfaces and routes and NAT rules
 * written through REST on one instance reach the other instance's apps at run time (the store
 * delivers the keys, App.stateChanged re-applies them): its REST lists them, and the switches it
 * masters get the flows (routing's gateway ARP trap for the new interface); deletes follow too.
 */
import t from 'tap';
import { requireRoot } from '../support/e2e.js';
import { startClusterRig, until } from '../support/cluster-rig.js';
import type { Instance } from '../support/cluster-rig.js';

requireRoot();

t.test('routing and NAT configuration written on one instance runs on the other', async (t) => {
  const rig = await startClusterRig({ instances: 2, bridges: 2, extraArgs: ['--apps', 'table-miss,topology,l2-learning,routing,nat'] });
  t.teardown(() => rig.stop());
  const [a, b] = rig.instances as [Instance, Instance];
  await Promise.all([rig.start(a), rig.start(b)]);
  // Each instance masters one switch.
  const mastered = await until(async () => {
    const sb = await rig.status(b);
    const mine = sb.switches.filter((s) => s.writable).map((s) => s.dpid);
    const sa = await rig.status(a);
    return mine.length === 1 && sa.switches.filter((s) => s.writable).length === 1 ? mine[0] : undefined;
  }, 20_000, 'one switch mastered by each instance');
  const bridgeOfB = rig.bridges[rig.dpids.indexOf(mastered)]!;
  const rest = async <T>(i: Instance, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await fetch(`http://127.0.0.1:${i.restPort}${path}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const gatewayFlows = async () => (await rig.ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', bridgeOfB)).split('\n').filter((l) => l.includes('10.61.0.1'));

  t.equal((await rest(a, 'POST', '/api/v1/apps/routing/interfaces', { address: '10.61.0.1/24' })).status, 201, 'interface added on a');
  t.equal((await rest(a, 'POST', '/api/v1/apps/routing/routes', { prefix: '10.62.0.0/24', nextHop: '10.61.0.9' })).status, 201, 'route added on a');
  const rule = await rest<{ id: string }>(a, 'POST', '/api/v1/apps/nat/rules', { type: 'masquerade', inside: '10.61.0.0/24', outside: '203.0.113.7' });
  t.equal(rule.status, 201, 'NAT rule added on a');
  const started = Date.now();
  await until(async () => {
    const ifs = await rest<{ address: string }[]>(b, 'GET', '/api/v1/apps/routing/interfaces');
    return ifs.body.some((i) => i.address === '10.61.0.1/24') || undefined;
  }, 10_000, "b's routing has the interface");
  t.comment(`b applied the interface ${Date.now() - started} ms after a's 201`);
  const routes = await rest<{ prefix: string; nextHop?: string }[]>(b, 'GET', '/api/v1/apps/routing/routes');
  t.ok(routes.body.some((r) => r.prefix === '10.62.0.0/24' && r.nextHop === '10.61.0.9'), "b's routing has the route");
  await until(async () => ((await rest<unknown[]>(b, 'GET', '/api/v1/apps/nat/rules')).body.length === 1) || undefined, 10_000, "b's nat has the rule");
  const flows = await until(async () => {
    const f = await gatewayFlows();
    return f.length > 0 ? f : undefined;
  }, 10_000, "the gateway's flows on b's switch");
  t.ok(flows.length > 0, "b's switch got routing's flows for the new gateway (b is its master)");

  t.equal((await rest(a, 'DELETE', `/api/v1/apps/nat/rules/${rule.body.id}`)).status, 204, 'NAT rule deleted on a');
  await until(async () => ((await rest<unknown[]>(b, 'GET', '/api/v1/apps/nat/rules')).body.length === 0) || undefined, 10_000, "b's nat lost the rule");
  t.equal((await rest(a, 'DELETE', '/api/v1/apps/routing/routes/10.62.0.0/24')).status, 200, 'route deleted on a');
  t.equal((await rest(a, 'DELETE', '/api/v1/apps/routing/interfaces/10.61.0.1')).status, 200, 'interface deleted on a');
  await until(async () => ((await rest<unknown[]>(b, 'GET', '/api/v1/apps/routing/interfaces')).body.length === 0) || undefined, 10_000, "b's routing lost the interface");
  await until(async () => ((await gatewayFlows()).length === 0) || undefined, 10_000, "the gateway's flows gone from b's switch").catch(async (e: Error) => {
    throw new Error(`${e.message}: ${(await gatewayFlows()).join('\n')}`);
  });
  t.pass('deletes reach the other instance and its switch');
  for (const i of [a, b]) t.same(i.proc!.lines.filter((l) => l.level >= 50).map((l) => l.msg), [], `${i.name} logged no errors`);
});
