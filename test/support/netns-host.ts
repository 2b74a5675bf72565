import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * An emulated physical host for multi-host tests (docs/../shared ENVIRONMENT "Two hosts and an
 * underlay"): a network namespace running its OWN ovsdb-server and ovs-vswitchd (userspace
 * datapath, so every host has its own ovs-netdev, routes and tunnel ARP), with br-int
 * (fail_mode secure, controlled by weft) and br-phy (standalone, its LOCAL port holds the
 * underlay address). A management veth reaches the controller in the root namespace. Workloads
 * are namespaces on veths into br-int. Everything is removed by name and pid in `stop`.
 */

const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';

export function sh(cmd: string, args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Run in a namespace. */
export const nsx = (ns: string, ...args: string[]) => sh('ip', ['netns', 'exec', ns, ...args]);

export interface NsHost {
  readonly ns: string;
  readonly dir: string;
  /** Management address of the host's end (the controller is reached from it). */
  readonly mgmtIp: string;
  vsctl(...args: string[]): Promise<string>;
  ofctl(...args: string[]): Promise<string>;
  /** A workload namespace on br-int at `ofport`, with the address, gateway and MTU given. */
  addPod(name: string, ofport: number, addr: string, gateway: string, mtu: number): Promise<string>;
  stop(): void;
}

export interface NsHostOptions {
  /** Unique short tag for names (namespace, veths): at most 6 characters. */
  tag: string;
  /** Index 0-60: management link 169.254.77.(4i+1)/30 (root) <-> .(4i+2)/30 (host). */
  index: number;
  /** Where weft listens, an address of the root namespace (169.254.77.1 on host 0's link). */
  controller: string;
  controllerPort: number;
  dpid: string;
  underlayIp: string;
}

const live = new Set<NsHost>();
process.on('exit', () => {
  for (const h of [...live]) h.stop();
});

function daemonPid(dir: string, daemon: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, `${daemon}.pid`), 'utf8').trim());
    return pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function startNsHost(o: NsHostOptions): Promise<NsHost> {
  const ns = `wfh${o.tag}`;
  const dir = mkdtempSync(join(tmpdir(), `weft-nshost-${process.pid}-`));
  const env = { ...process.env, OVS_RUNDIR: dir, OVS_DBDIR: dir, OVS_LOGDIR: dir, OVS_SYSCONFDIR: dir };
  const db = `--db=unix:${join(dir, 'db.sock')}`;
  const mgmtRoot = `wm${o.tag}r`;
  const mgmtHost = `wm${o.tag}h`;
  const rootIp = `169.254.77.${4 * o.index + 1}`;
  const mgmtIp = `169.254.77.${4 * o.index + 2}`;
  const pods: string[] = [];
  let stopped = false;
  const host: NsHost = {
    ns,
    dir,
    mgmtIp,
    vsctl: (...args) => sh('ovs-vsctl', [db, '--timeout=10', ...args], env),
    ofctl: (...args) => sh('ovs-ofctl', ['-O', 'OpenFlow13', ...args.map((a) => (a === 'br-int' || a === 'br-phy' ? `unix:${join(dir, `${a}.mgmt`)}` : a))], env),
    async addPod(name, ofport, addr, gateway, mtu) {
      const pns = `wfp${name}`;
      const hv = `wv${name}`;
      pods.push(pns);
      await sh('ip', ['netns', 'add', pns]);
      await sh('ip', ['link', 'add', hv, 'netns', ns, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pns]);
      await nsx(ns, 'ip', 'link', 'set', hv, 'mtu', String(mtu), 'up');
      await nsx(ns, 'ethtool', '-K', hv, 'tx', 'off');
      await host.vsctl('add-port', 'br-int', hv, '--', 'set', 'interface', hv, `ofport_request=${ofport}`);
      await nsx(pns, 'ip', 'link', 'set', 'lo', 'up');
      await nsx(pns, 'ip', 'link', 'set', 'eth0', 'mtu', String(mtu), 'up');
      await nsx(pns, 'ethtool', '-K', 'eth0', 'tx', 'off');
      await nsx(pns, 'ip', 'addr', 'add', addr, 'dev', 'eth0');
      await nsx(pns, 'ip', 'route', 'add', 'default', 'via', gateway);
      return pns;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      live.delete(host);
      for (const daemon of ['ovs-vswitchd', 'ovsdb-server']) {
        const pid = daemonPid(dir, daemon);
        if (pid !== undefined) {
          spawnSync('ovs-appctl', ['--timeout=5', '-t', join(dir, `${daemon}.ctl`), 'exit'], { env, timeout: 6000 });
          const after = daemonPid(dir, daemon);
          if (after !== undefined) process.kill(after, 'SIGKILL');
        }
      }
      for (const p of pods) spawnSync('ip', ['netns', 'del', p]);
      spawnSync('ip', ['link', 'del', mgmtRoot]);
      spawnSync('ip', ['netns', 'del', ns]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(host);
  spawnSync('ip', ['netns', 'del', ns]);
  spawnSync('ip', ['link', 'del', mgmtRoot]);
  await sh('ip', ['netns', 'add', ns]);
  await nsx(ns, 'ip', 'link', 'set', 'lo', 'up');
  await sh('ip', ['link', 'add', mgmtRoot, 'type', 'veth', 'peer', 'name', mgmtHost, 'netns', ns]);
  await sh('ip', ['addr', 'add', `${rootIp}/30`, 'dev', mgmtRoot]);
  await sh('ip', ['link', 'set', mgmtRoot, 'up']);
  await nsx(ns, 'ip', 'addr', 'add', `${mgmtIp}/30`, 'dev', mgmtHost);
  await nsx(ns, 'ip', 'link', 'set', mgmtHost, 'up');
  if (o.controller !== rootIp) await nsx(ns, 'ip', 'route', 'add', `${o.controller}/32`, 'dev', mgmtHost);
  await sh('ovsdb-tool', ['create', join(dir, 'conf.db'), SCHEMA], env);
  const common = (d: string) => [`--pidfile=${join(dir, `${d}.pid`)}`, `--unixctl=${join(dir, `${d}.ctl`)}`, `--log-file=${join(dir, `${d}.log`)}`, '--detach'];
  await nsx(ns, 'env', `OVS_RUNDIR=${dir}`, `OVS_DBDIR=${dir}`, `OVS_LOGDIR=${dir}`, `OVS_SYSCONFDIR=${dir}`,
    'ovsdb-server', join(dir, 'conf.db'), `--remote=punix:${join(dir, 'db.sock')}`, ...common('ovsdb-server'));
  await host.vsctl('--no-wait', 'init');
  await nsx(ns, 'env', `OVS_RUNDIR=${dir}`, `OVS_DBDIR=${dir}`, `OVS_LOGDIR=${dir}`, `OVS_SYSCONFDIR=${dir}`,
    'ovs-vswitchd', `unix:${join(dir, 'db.sock')}`, ...common('ovs-vswitchd'));
  await host.vsctl('add-br', 'br-int', '--', 'set', 'bridge', 'br-int', 'datapath_type=netdev', 'fail_mode=secure', 'protocols=OpenFlow13',
    `other-config:datapath-id=${o.dpid}`, '--', 'set-controller', 'br-int', `tcp:${o.controller}:${o.controllerPort}`);
  await host.vsctl('add-br', 'br-phy', '--', 'set', 'bridge', 'br-phy', 'datapath_type=netdev', 'fail_mode=standalone');
  await nsx(ns, 'ip', 'addr', 'add', `${o.underlayIp}/24`, 'dev', 'br-phy');
  await nsx(ns, 'ip', 'link', 'set', 'br-phy', 'up');
  return host;
}

/** A veth wire between two hosts' br-phy bridges (the underlay); `aEnd` is the end on host a. */
export async function wire(a: NsHost, b: NsHost, aEnd: string, bEnd: string): Promise<void> {
  await sh('ip', ['link', 'add', aEnd, 'netns', a.ns, 'type', 'veth', 'peer', 'name', bEnd, 'netns', b.ns]);
  for (const [h, end] of [[a, aEnd], [b, bEnd]] as const) {
    await nsx(h.ns, 'ip', 'link', 'set', end, 'up');
    await h.vsctl('add-port', 'br-phy', end);
  }
}

/** The port joining br-int to the other hosts: flow-based VXLAN, or a patch to br-phy (routed). */
export async function exitPort(h: NsHost, mode: 'vxlan' | 'routed'): Promise<void> {
  if (mode === 'vxlan') {
    await h.vsctl('add-port', 'br-int', 'vxlan0', '--', 'set', 'interface', 'vxlan0', 'type=vxlan', 'options:remote_ip=flow', 'options:key=flow', 'ofport_request=100');
  } else {
    await h.vsctl('add-port', 'br-int', 'uplink', '--', 'set', 'interface', 'uplink', 'type=patch', 'options:peer=phy-int', 'ofport_request=100',
      '--', 'add-port', 'br-phy', 'phy-int', '--', 'set', 'interface', 'phy-int', 'type=patch', 'options:peer=uplink');
  }
}
