/**
 * The bulk route while its body arrives (src/rest/bulk-body.ts's walk over an UploadBody): a
 * real HTTP client uploads the body in parts with pauses, against a scripted switch that does
 * bundles. Flows reach the switch before the upload ends; whatever the body turns out to say
 * at its end (a command after the flows, an unknown key, too many flows), the answer is the one
 * a whole body gets, and nothing is committed that the body did not ask for.
 */
import { request } from 'node:http';
import t from 'tap';
import { decode, onf } from '../../protocol/index.js';
import type { FlowMod } from '../../protocol/index.js';
import { mayBundle } from '../../src/rest/bulk-bundle.js';
import type { SwitchConnection } from '../../src/openflow/switch-connection.js';
import { answerBundles, bundleControls, http, startRig } from './rig.js';
import type { Rig } from './rig.js';

const flows = (n: number, table = 2) =>
  Array.from({ length: n }, (_, i) => ({ table, priority: 10, match: { eth_type: 2048, ipv4_dst: `10.1.${(i >> 8) & 255}.${i & 255}` }, actions: [{ type: 'output', port: 1 }] }));

const { OPEN_REQUEST, COMMIT_REQUEST, DISCARD_REQUEST } = onf.OFPBCT;

/** Wait for `test`; a timeout says what the switch got and whether the route still tries bundles. */
async function until(rig: Rig, what: string, test: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) {
      const conn = rig.weft.server.switches.get(rig.dpid) as SwitchConnection;
      throw new Error(`timed out waiting for ${what}; bundle controls so far: ${bundleControls(rig, 0)}; mayBundle ${mayBundle(conn)}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Upload {
  /** Send the next `bytes` of the body. */
  send(bytes: number): Promise<void>;
  /** Send the rest and wait for the answer. */
  finish(): Promise<{ status: number; json: any }>;
  /** The client goes away. */
  abort(): void;
  readonly length: number;
}

/** A POST whose body (with its Content-Length) goes out only as the test says. */
function upload(rig: Rig, body: string): Upload {
  const bytes = Buffer.from(body);
  let sent = 0;
  let answer!: Promise<{ status: number; json: any }>;
  const req = request(`${rig.base}/api/v1/switches/${rig.dpid}/flows/bulk`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(bytes.length) } });
  answer = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
  answer.catch(() => undefined);
  req.flushHeaders();
  const send = (n: number) =>
    new Promise<void>((resolve) => {
      const part = bytes.subarray(sent, sent + n);
      sent += part.length;
      req.write(part, () => resolve());
    });
  return {
    length: bytes.length,
    send,
    finish: async () => {
      await send(bytes.length - sent);
      req.end();
      return answer;
    },
    abort: () => req.destroy(),
  };
}

t.test('bulk body while it arrives', async (t) => {
  const rig = await startRig({ rest: { maxBulkFlows: 5000 } });
  t.teardown(() => rig.close());
  answerBundles(rig);
  const stored = async () => ((await http(rig, 'GET', `/api/v1/state/switches/${rig.dpid}`)).json as { flows: unknown[] }).flows.length;

  t.test('"command" after the flows: the bundle is discarded and the flows sent again with it', async (t) => {
    const from = rig.got('bundleControl').length;
    const addsBefore = rig.got('bundleAdd').length;
    // (A delete takes no actions.)
    const up = upload(rig, JSON.stringify({ flows: flows(2500).map(({ actions: _a, ...f }) => f), command: 'delete', persistent: false }));
    await up.send(Math.floor(up.length * 0.6));
    await until(rig, 'adds sent as ADDs', () => rig.got('bundleAdd').length > addsBefore);
    const r = await up.finish();
    t.match(r.json, { count: 2500, accepted: 2500, atomic: true });
    t.same(bundleControls(rig, from), [OPEN_REQUEST, DISCARD_REQUEST, OPEN_REQUEST, COMMIT_REQUEST]);
    const commitOpen = rig.got('bundleControl')[from + 2]!;
    const committed = rig.got('bundleAdd').filter((a) => a.bundleId === commitOpen.bundleId);
    t.equal(committed.length, 2500);
    t.ok(committed.every((a) => (decode(a.message) as FlowMod).command === 3), 'the committed bundle holds DELETEs only');
  });

  t.test('flows reach the switch before the upload ends; "persistent" after the flows is obeyed', async (t) => {
    const from = rig.got('bundleControl').length;
    const addsBefore = rig.got('bundleAdd').length;
    const up = upload(rig, JSON.stringify({ flows: flows(3000), persistent: true }));
    await up.send(Math.floor(up.length * 0.7));
    await until(rig, 'adds sent while the body arrives', () => rig.got('bundleAdd').length - addsBefore >= 1000);
    t.same(bundleControls(rig, from), [OPEN_REQUEST], 'open, adds, no commit yet');
    const r = await up.finish();
    t.equal(r.status, 200, JSON.stringify(r.json));
    t.match(r.json, { count: 3000, accepted: 3000, atomic: true });
    t.equal(rig.got('bundleAdd').length - addsBefore, 3000, 'each flow once');
    t.same(bundleControls(rig, from), [OPEN_REQUEST, COMMIT_REQUEST]);
    t.equal(await stored(), 3000, 'stored: "persistent" came after the flows');

    const again = upload(rig, JSON.stringify({ flows: flows(2000, 3), persistent: false }));
    await again.send(Math.floor(again.length / 2));
    t.match((await again.finish()).json, { count: 2000, atomic: true });
    t.equal(await stored(), 3000, 'not stored: "persistent": false came after the flows');
  });

  t.test('the store work starts only once the body is all there, and never for "persistent": false after the flows', async (t) => {
    // Count the puts handed to the store's preparation (src/store/prepared-puts.ts), and whether
    // the upload was complete when the first came.
    const store = rig.weft.store;
    const prepare = store.prepare!.bind(store);
    let adds = 0;
    let early = 0;
    let complete = false;
    store.prepare = (estimate) => {
      const p = prepare(estimate);
      const add = p.add.bind(p);
      p.add = (op) => {
        adds++;
        if (!complete) early++;
        add(op);
      };
      return p;
    };
    t.teardown(() => void (store.prepare = prepare));
    const run = async (body: object) => {
      adds = early = 0;
      complete = false;
      const addsBefore = rig.got('bundleAdd').length;
      const up = upload(rig, JSON.stringify(body));
      await up.send(Math.floor(up.length * 0.7));
      await until(rig, 'adds sent while the body arrives', () => rig.got('bundleAdd').length - addsBefore >= 1000);
      // Long enough for the route to have stepped a prep that ran while waiting for bytes.
      await new Promise((r) => setTimeout(r, 50));
      complete = true;
      return up.finish();
    };
    t.match((await run({ flows: flows(2500, 6) })).json, { count: 2500, atomic: true });
    t.equal(early, 0, 'nothing prepared while the body arrived');
    t.equal(adds, 2500, 'every flow prepared once the body was there (persistent by default)');
    t.match((await run({ flows: flows(2500, 7), persistent: false })).json, { count: 2500, atomic: true });
    t.equal(adds, 0, 'nothing prepared for a one-off body');
  });

  t.test('the switch answered the OPEN (and the barrier behind it) long before the first slice is there: still a bundle, and the next bulk too', async (t) => {
    const from = rig.got('bundleControl').length;
    const body = JSON.stringify({ flows: flows(2500, 5), persistent: false });
    const up = upload(rig, body);
    // Under one slice: the route has sent its OPEN and the barrier, and waits for flows.
    await up.send(body.indexOf('"10.1.0.100"'));
    await until(rig, 'the OPEN', () => rig.got('bundleControl').length > from);
    await new Promise((r) => setTimeout(r, 150));
    const r = await up.finish();
    t.match(r.json, { count: 2500, atomic: true }, 'committed in a bundle, not taken for a switch that ignores OPEN');
    const next = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { flows: flows(10, 5), persistent: false } });
    t.match(next.json, { count: 10, atomic: true }, 'the connection still does bundles');
    t.same(bundleControls(rig, from), [OPEN_REQUEST, COMMIT_REQUEST, OPEN_REQUEST, COMMIT_REQUEST]);
  });

  t.test('a bad flow, then an unknown key at the end: the unknown key is named (as for a whole body), nothing committed', async (t) => {
    const from = rig.got('bundleControl').length;
    const list: unknown[] = flows(3000);
    list[1800] = { ...(list[1800] as object), match: { eth_dst: 'nope' } };
    const body = JSON.stringify({ flows: list, extra: 1 });
    const up = upload(rig, body);
    await up.send(Math.floor(up.length * 0.8));
    await until(rig, 'the bundle opened', () => rig.got('bundleControl').length > from);
    const r = await up.finish();
    t.equal(r.status, 400);
    t.equal(r.json.error.field, 'extra');
    const whole = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { raw: body, headers: { 'content-type': 'application/json' } });
    t.same(whole.json.error, r.json.error, 'the same answer as the whole body gets');
    await until(rig, 'the discard', () => bundleControls(rig, from).includes(DISCARD_REQUEST));
    t.notOk(bundleControls(rig, from).includes(COMMIT_REQUEST), 'never committed');

    const fromBad = rig.got('bundleControl').length;
    const bad = upload(rig, JSON.stringify({ flows: list, persistent: false }));
    await bad.send(Math.floor(bad.length * 0.8));
    const rb = await bad.finish();
    t.equal(rb.status, 400);
    t.equal(rb.json.error.field, 'flows[1800].match.eth_dst', 'without the unknown key: the bad flow');
    await until(rig, 'the discard', () => bundleControls(rig, fromBad).includes(DISCARD_REQUEST));
    t.notOk(bundleControls(rig, fromBad).includes(COMMIT_REQUEST));
  });

  t.test('more flows than rest.maxBulkFlows: 413 with the count, nothing committed', async (t) => {
    const from = rig.got('bundleControl').length;
    const up = upload(rig, JSON.stringify({ flows: flows(7000), persistent: false }));
    await up.send(Math.floor(up.length * 0.5));
    await until(rig, 'the bundle opened', () => rig.got('bundleControl').length > from);
    const r = await up.finish();
    t.equal(r.status, 413);
    t.match(r.json.error, { code: 'payload_too_large', details: { limit: 5000, count: 7000 } });
    await until(rig, 'the discard', () => bundleControls(rig, from).includes(DISCARD_REQUEST));
    t.notOk(bundleControls(rig, from).includes(COMMIT_REQUEST));
  });

  t.test('the client goes away mid-upload: discarded, never committed; the next bulk works', async (t) => {
    const from = rig.got('bundleControl').length;
    const addsBefore = rig.got('bundleAdd').length;
    const storedBefore = await stored();
    const up = upload(rig, JSON.stringify({ flows: flows(3000, 4), persistent: true }));
    await up.send(Math.floor(up.length * 0.5));
    await until(rig, 'adds sent', () => rig.got('bundleAdd').length > addsBefore);
    up.abort();
    await until(rig, 'the discard', () => bundleControls(rig, from).includes(DISCARD_REQUEST));
    t.notOk(bundleControls(rig, from).includes(COMMIT_REQUEST), 'never committed');
    t.equal(await stored(), storedBefore, 'nothing stored');
    const r = await http(rig, 'POST', `/api/v1/switches/${rig.dpid}/flows/bulk`, { body: { flows: flows(100, 4), persistent: false } });
    t.match(r.json, { count: 100, atomic: true });
  });
});
