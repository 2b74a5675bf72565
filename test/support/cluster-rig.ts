/**
 * A weft cluster for end-to-end tests: a private etcd, N weft processes (`--cluster`) on loopback,
 * a private Open vSwitch whose bridges list every started instance as a controller. Mastership is read
 * both from weft (/api/v1/cluster) and from the switches (the `role` column of `ovs-vsctl list
 * controller`).
 */
import { startEtcd } from './etcd.js';
import type { OvsInstance } from './ovs.js';
import { startOvs } from './ovs.js';
import { freePort, startWeftProcess } from './weft-process.js';
import type { WeftProcess } from './weft-process.js';

export interface ClusterSwitch {
  dpid: string;
  master: string | null;
  generation: number | null;
  connected: string[];
  localRole: string | null;
  /** This instance may write to the switch now (its master, lease renewed). */
  writable: boolean;
}

export interface ClusterStatus {
  cluster: boolean;
  instance: string;
  member: boolean;
  instances: { name: string }[];
  switches: ClusterSwitch[];
  etcd: { ok: boolean };
}

export interface Instance {
  name: string;
  openflowPort: number;
  restPort: number;
  proc: WeftProcess | undefined;
}

export interface ClusterRig {
  etcd: Awaited<ReturnType<typeof startEtcd>>;
  ovs: OvsInstance;
  bridges: string[];
  /** 16 hex digits per bridge, in order. */
  dpids: string[];
  instances: Instance[];
  start(i: Instance): Promise<WeftProcess>;
  status(i: Instance): Promise<ClusterStatus>;
  /** bridge -> controller target -> role, as the switch reports it. */
  switchRoles(): Promise<Map<string, Map<string, string>>>;
  /** The instance name each bridge reports as its master (undefined: none), and the count of masters per bridge. */
  switchMasters(): Promise<{ master: Map<string, string | undefined>; count: Map<string, number> }>;
  stop(): Promise<void>;
}

export const TTL = 2;

export async function startClusterRig(opts: { instances: number; bridges: number; etcdMembers?: number; extraArgs?: string[] }): Promise<ClusterRig> {
  const etcd = await startEtcd({ members: opts.etcdMembers });
  const ovs = await startOvs().catch(async (e: unknown) => {
    await etcd.stop();
    throw e;
  });
  const instances: Instance[] = [];
  for (let i = 0; i < opts.instances; i++) instances.push({ name: `w${i}`, openflowPort: await freePort(), restPort: await freePort(), proc: undefined });
  const attached = new Set<string>();
  const bridges: string[] = [];
  const dpids: string[] = [];
  const rig: ClusterRig = {
    etcd,
    ovs,
    bridges,
    dpids,
    instances,
    async start(i) {
      const proc = await startWeftProcess({
        openflowPort: i.openflowPort,
        restPort: i.restPort,
        args: ['--cluster', `etcd://${etcd.hostPorts}`, '--instance', i.name, '--cluster-lease-ttl', String(TTL), '--audit-interval', '0', ...(opts.extraArgs ?? [])],
        env: { WEFT_LOG_FORMAT: 'json' },
        readyTimeoutMs: 30_000,
      });
      i.proc = proc;
      // Each bridge gets an instance as controller once it listens, as an operator would add it:
      // a controller that refused connections so far is retried with backoff (up to 8 s in
      // OVS), which would dominate the tests' mastery waits on a loaded machine.
      if (!attached.has(i.name)) {
        attached.add(i.name);
        const target = `tcp:127.0.0.1:${i.openflowPort}`;
        for (const br of bridges) await ovs.vsctl('--', '--id=@c', 'create', 'controller', `target="${target}"`, 'max_backoff=1000', '--', 'add', 'bridge', br, 'controller', '@c');
      }
      return proc;
    },
    async status(i) {
      const res = await fetch(`http://127.0.0.1:${i.restPort}/api/v1/cluster`, { signal: AbortSignal.timeout(3000) });
      return (await res.json()) as ClusterStatus;
    },
    async switchRoles() {
      const out = new Map<string, Map<string, string>>();
      const text = await ovs.vsctl('--format=csv', '--data=bare', '--no-headings', '--columns=_uuid,target,role', 'list', 'controller');
      const byUuid = new Map<string, [string, string]>();
      for (const line of text.trim().split('\n').filter(Boolean)) {
        const [uuid, target, role] = line.split(',');
        byUuid.set(uuid!, [target!, role ?? '']);
      }
      for (const br of bridges) {
        const ids = (await ovs.vsctl('--data=bare', '--no-headings', 'get', 'bridge', br, 'controller')).replace(/[[\]\s]/g, '').split(',').filter(Boolean);
        out.set(br, new Map(ids.map((id) => byUuid.get(id)!).filter(Boolean)));
      }
      return out;
    },
    async switchMasters() {
      const roles = await rig.switchRoles();
      const master = new Map<string, string | undefined>();
      const count = new Map<string, number>();
      for (const [br, m] of roles) {
        const masters = [...m].filter(([, r]) => r === 'master').map(([t]) => instances.find((i) => t.endsWith(`:${i.openflowPort}`))?.name ?? t);
        master.set(br, masters[0]);
        count.set(br, masters.length);
      }
      return { master, count };
    },
    async stop() {
      await Promise.all(instances.map((i) => i.proc?.stop(5000).catch(() => undefined)));
      await ovs.stop().catch(() => undefined);
      await etcd.stop();
    },
  };
  try {
    for (let b = 0; b < opts.bridges; b++) {
      const name = ovs.uniqueName('wc');
      const dpid = (0xc0000 + b + 1).toString(16).padStart(16, '0');
      await ovs.addBridge(name, { datapathId: dpid, failMode: 'secure' });
      bridges.push(name);
      dpids.push(dpid);
    }
  } catch (e) {
    await rig.stop();
    throw e;
  }
  return rig;
}

export async function until<T>(fn: () => Promise<T | undefined | false>, ms: number, what: string, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
