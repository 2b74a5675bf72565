/**
 * REST writes proxied to a switch's master (src/rest/cluster-forward.ts), over real HTTP: weft's
 * REST server with a stand-in cluster (this instance w0; w1 masters the switches) and a plain
 * HTTP server playing w1's REST API. What reaches the master (method, path, body bytes, the
 * loop-guard header, the token), what comes back, and the refusals: a request forwarded
 * already, a dead master, an instance without its lease. The real thing (etcd, two weft
 * processes, Open vSwitch) is test/e2e/cluster-rest-forward.test.ts.
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import t from 'tap';
import { defaultConfig } from '../../src/config/index.js';
import { createMetrics } from '../../src/metrics.js';
import type { SwitchConnection } from '../../src/openflow/switch-connection.js';
import type { RestCluster, RestDeps } from '../../src/rest/deps.js';
import { createRestServer } from '../../src/rest/server.js';
import { freePort } from '../support/weft-process.js';

const HERE = '000000000000000b'; // connected here, mastered by w1
const ELSEWHERE = '000000000000000c'; // not connected here, mastered by w1

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

t.test('writes for a switch another instance masters go to its REST API', async (t) => {
  const seen: Seen[] = [];
  const master = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (d: string) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.startsWith('/stats/')) return res.writeHead(200).end('');
      res.writeHead(req.url!.includes('groups') ? 201 : 422, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ from: 'w1', got: body }));
    });
  });
  await new Promise<void>((r) => master.listen(0, '127.0.0.1', r));
  t.teardown(() => master.close());
  const masterPort = (master.address() as { port: number }).port;
  const deadPort = await freePort();

  const state = { member: true, masterRest: `127.0.0.1:${masterPort}` };
  const forwarded: unknown[] = [];
  const cluster: RestCluster = {
    name: 'w0',
    member: () => state.member,
    mayWrite: () => false,
    masterOf: (d) => (d === HERE || d === ELSEWHERE ? 'w1' : undefined),
    memberRest: (n) => (n === 'w1' ? state.masterRest : undefined),
    status: async () => ({}),
    forward: async (_d, msgs) => {
      forwarded.push(...msgs);
      return 'w1';
    },
  };
  const conn = { closed: false, info: { dpid: HERE, datapathId: 0xbn, ports: new Map() }, writeGate: () => false } as unknown as SwitchConnection;
  const conns = new Map([[HERE, conn]]);
  const host = { apps: () => [], counters: () => ({}) as never, command: () => undefined };
  const quiet = { child: () => quiet, debug() {}, info() {}, warn() {}, error() {} };
  const deps: RestDeps = {
    switches: () => conns,
    host,
    app: () => undefined,
    ready: () => true,
    metrics: createMetrics({ switchCount: () => conns.size, host: host as never, app: () => undefined, processMetrics: false }),
    log: quiet,
    version: '0.0.0-test',
    cluster,
  };
  const server = await createRestServer(deps, { ...defaultConfig().rest, host: '127.0.0.1', port: 0, token: 'tok' });
  const { port } = await server.listen();
  t.teardown(() => server.close());
  const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${port}${path}`, { method, body, headers: { authorization: 'Bearer tok', ...(body ? { 'content-type': 'application/json' } : {}), ...headers } });

  await t.test('a native write: the same request, the master answer', async (t) => {
    const body = '{"groupId": 5, "type": "all", "buckets": []}';
    const res = await call('POST', `/api/v1/switches/${HERE}/groups?x=1`, body);
    t.equal(res.status, 201);
    t.equal(res.headers.get('x-weft-master'), 'w1');
    t.match(res.headers.get('content-type'), /^application\/json/);
    t.same(await res.json(), { from: 'w1', got: body }, "the master's body");
    const s = seen.at(-1)!;
    t.equal(s.method, 'POST');
    t.equal(s.url, `/api/v1/switches/${HERE}/groups?x=1`, 'path and query unchanged');
    t.equal(s.body, body, 'body bytes unchanged');
    t.equal(s.headers['x-weft-forwarded-by'], 'w0', 'marked as forwarded by w0');
    t.equal(s.headers.authorization, 'Bearer tok', 'the token goes along');
  });

  await t.test("the master's refusal comes back as it is", async (t) => {
    const res = await call('POST', `/api/v1/switches/${HERE}/flows/bulk`, '{"flows": []}');
    t.equal(res.status, 422);
    t.equal(res.headers.get('x-weft-master'), 'w1');
  });

  await t.test('a switch not connected here is proxied too', async (t) => {
    const res = await call('DELETE', `/api/v1/switches/${ELSEWHERE}/meters/3`);
    t.equal(res.status, 422);
    t.equal(seen.at(-1)!.url, `/api/v1/switches/${ELSEWHERE}/meters/3`);
  });

  await t.test('a Ryu write with the dpid in a Python-dict body: the text goes unchanged', async (t) => {
    const body = "{'dpid': 11, 'priority': 7, 'actions': []}";
    const res = await fetch(`http://127.0.0.1:${port}/stats/flowentry/add`, { method: 'POST', body, headers: { authorization: 'Bearer tok' } });
    t.equal(res.status, 200);
    t.equal(res.headers.get('x-weft-master'), 'w1');
    t.equal(seen.at(-1)!.body, body);
    t.equal(seen.at(-1)!.headers['content-length'], String(body.length));
    const clear = await call('DELETE', '/stats/flowentry/clear/11');
    t.equal(clear.status, 200);
    t.equal(seen.at(-1)!.url, '/stats/flowentry/clear/11');
  });

  await t.test('not proxied: reads, writes without the token, single flows (etcd hand-over, 202)', async (t) => {
    const n = seen.length;
    const flow = await call('POST', `/api/v1/switches/${HERE}/flows`, '{"priority": 3, "idleTimeout": 5, "match": {}, "actions": []}');
    t.equal(flow.status, 202);
    t.equal(forwarded.length, 1, 'the FLOW_MOD went through Cluster.forward');
    const anon = await fetch(`http://127.0.0.1:${port}/api/v1/switches/${HERE}/groups`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    t.equal(anon.status, 401, 'the token is checked here first');
    t.equal(seen.length, n, 'nothing reached the master');
  });

  await t.test('a forwarded request is not forwarded again', async (t) => {
    const n = seen.length;
    const res = await call('POST', `/api/v1/switches/${HERE}/groups`, '{"groupId": 6, "type": "all", "buckets": []}', { 'x-weft-forwarded-by': 'w2' });
    t.equal(res.status, 409);
    t.match(await res.json(), { error: { code: 'not_master', message: /forwarded by w2, but w0 is not the master of switch 000000000000000b either/ } });
    t.equal(seen.length, n);
  });

  await t.test('a dead master: 503 naming it', async (t) => {
    state.masterRest = `127.0.0.1:${deadPort}`;
    const res = await call('POST', `/api/v1/switches/${HERE}/groups`, '{"groupId": 6, "type": "all", "buckets": []}');
    t.equal(res.status, 503);
    t.match(await res.json(), { error: { code: 'master_unreachable', message: new RegExp(`instance w1 at 127\\.0\\.0\\.1:${deadPort}, did not answer \\(.*ECONNREFUSED`) } });
    state.masterRest = `127.0.0.1:${masterPort}`;
  });

  await t.test('a switch this instance claimed but the switch has not confirmed: 503, retry', async (t) => {
    const masterOf = cluster.masterOf;
    cluster.masterOf = () => 'w0';
    const res = await call('POST', `/api/v1/switches/${HERE}/groups`, '{"groupId": 6, "type": "all", "buckets": []}');
    t.equal(res.status, 503);
    t.match(await res.json(), { error: { code: 'cluster_unavailable', message: /taking over switch 000000000000000b/ } });
    cluster.masterOf = masterOf;
  });

  await t.test('without a renewed lease: 503 cluster_unavailable', async (t) => {
    state.member = false;
    const res = await call('POST', `/stats/groupentry/add`, '{"dpid": 11, "type": "ALL", "group_id": 1}');
    t.equal(res.status, 503);
    t.match(await res.json(), { error: { code: 'cluster_unavailable' } });
    state.member = true;
  });
  await t.test('POST /stats/role is refused: the cluster manages mastership', async (t) => {
    const before = seen.length;
    for (const role of ['MASTER', 'SLAVE', 'EQUAL']) {
      const res = await call('POST', '/stats/role', JSON.stringify({ dpid: 11, role }));
      t.equal(res.status, 409, role);
      const body = (await res.json()) as { error: { code: string; message: string } };
      t.equal(body.error.code, 'cluster_managed_role');
      t.match(body.error.message, /managed by the cluster/);
    }
    t.equal(seen.length, before, 'nothing proxied to the master either');
    t.equal(conn.closed, false);
  });
});
