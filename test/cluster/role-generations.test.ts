/**
 * Mastership on a real etcd with switches emulated at the ROLE_REQUEST level: each switch keeps
 * the highest generation_id it has seen and refuses an older one as stale, as Open vSwitch does,
 * and answers after a random delay so that requests of different instances cross. Two instances
 * join at once over 8 switches while other keys change all the time (as apps' shared data
 * does; etcd has one revision counter for all keys): every switch ends with exactly one master,
 * the one etcd names, 4 each, and no MASTER request is refused as stale (a SLAVE request carries
 * the generation of the claim it defers to, never the later revision of its read).
 */
import t from 'tap';
import { Etcd3 } from 'etcd3';
import { Cluster } from '../../src/cluster/cluster.js';
import { SwitchError } from '../../src/openflow/switch-connection.js';
import type { SwitchConnection } from '../../src/openflow/switch-connection.js';
import { OFPCR_ROLE, OFPET, OFPRRFC } from '../../protocol/index.js';
import type { OfMessage, RoleRequest } from '../../protocol/index.js';
import { startEtcd } from '../support/etcd.js';
import { until } from '../support/cluster-rig.js';

interface EmulatedSwitch {
  dpid: string;
  maxGen: bigint | undefined;
  roles: Map<string, 'equal' | 'master' | 'slave'>;
  requests: { from: string; role: 'master' | 'slave'; gen: bigint; stale: boolean }[];
}

/** The part of a SwitchConnection the cluster uses, answering ROLE_REQUESTs as OVS would. */
function connection(sw: EmulatedSwitch, instance: string): SwitchConnection {
  sw.roles.set(instance, 'equal');
  const conn = {
    info: { dpid: sw.dpid },
    writesGated: 0,
    writeGate: undefined as unknown,
    sendEncoded() {},
    async request(msg: OfMessage) {
      const req = msg as RoleRequest;
      await new Promise((r) => setTimeout(r, Math.random() * 40));
      const role = req.role === OFPCR_ROLE.MASTER ? 'master' : 'slave';
      const stale = sw.maxGen !== undefined && BigInt.asIntN(64, req.generationId - sw.maxGen) < 0n;
      sw.requests.push({ from: instance, role, gen: req.generationId, stale });
      if (stale) throw new SwitchError({ type: 'error', xid: 0, errType: OFPET.ROLE_REQUEST_FAILED, code: OFPRRFC.STALE, data: new Uint8Array() }, msg, 'OFPRRFC_STALE');
      sw.maxGen = req.generationId;
      if (role === 'master') for (const [k, v] of sw.roles) if (v === 'master') sw.roles.set(k, 'slave');
      sw.roles.set(instance, role);
      return { type: 'roleReply', xid: 0, role: req.role, generationId: req.generationId };
    },
  };
  return conn as unknown as SwitchConnection;
}

t.test('two instances joining at once over 8 switches: one master each, no stale MASTER', async (t) => {
  const etcd = await startEtcd();
  t.teardown(() => etcd.stop());
  const client = new Etcd3({ hosts: [etcd.hostPort] });
  t.teardown(() => client.close());
  const log = { info() {}, warn() {}, debug() {} };
  const switches: EmulatedSwitch[] = Array.from({ length: 8 }, (_, i) => ({ dpid: (0xd00 + i).toString(16).padStart(16, '0'), maxGen: undefined, roles: new Map(), requests: [] }));
  // Unrelated writes: every read of the cluster's keys comes back with a newer revision.
  let churning = true;
  // A failed put (etcd stopping at teardown) ends the churn; it must not reject unobserved.
  const churn = (async () => {
    for (let i = 0; churning; i++) await client.put(`churn/${i % 16}`).value(String(i));
  })().catch(() => undefined);
  t.teardown(async () => {
    churning = false;
    await churn;
  });
  const names = ['w0', 'w1'];
  const clusters = await Promise.all(names.map((name) => Cluster.join({ client, prefix: 'rolegen-test/', name, ttlS: 2, timeoutMs: 1000, info: {}, log })));
  t.teardown(() => Promise.all(clusters.map((c) => c.leave())));
  for (const [i, c] of clusters.entries()) for (const sw of switches) c.switchUp(connection(sw, names[i]!));

  const settled = () =>
    switches.every((sw) => {
      const masters = [...sw.roles].filter(([, r]) => r === 'master').map(([n]) => n);
      const claim = clusters[0]!.masterOf(sw.dpid);
      return masters.length === 1 && claim === masters[0] && clusters.every((c) => c.masterOf(sw.dpid) === claim && c.localRole(sw.dpid) === (c.name === claim ? 'master' : 'slave'));
    });
  await until(async () => settled() && clusters.every((c) => c.mastered() === 4), 15_000, 'every switch with one master, 4 per instance', 100);
  for (const sw of switches) {
    const masters = [...sw.roles].filter(([, r]) => r === 'master');
    t.equal(masters.length, 1, `${sw.dpid}: one master on the switch`);
    t.equal(masters[0]![0], clusters[1]!.masterOf(sw.dpid), `${sw.dpid}: the master etcd names`);
  }
  const staleMasters = switches.flatMap((sw) => sw.requests.filter((r) => r.role === 'master' && r.stale).map((r) => `${sw.dpid} ${r.from} gen ${r.gen}`));
  t.same(staleMasters, [], 'no MASTER request was refused as stale');
  t.ok(switches.every((sw) => sw.requests.some((r) => r.role === 'slave')), 'every switch heard a SLAVE request');
});
