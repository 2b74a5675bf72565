/**
 * A REST server over fake parts (no OpenFlow): switches with port tables, a fake topology
 * service that emits events on demand, and an event bus. For the topology and event-stream
 * tests; requests still go over real HTTP / WebSocket to a listening server.
 */
import type { HostInfo, Link, TopologyEvent, TopologyService } from '../../apps/topology/api.js';
import type { Port } from '../../protocol/index.js';
import { defaultConfig } from '../../src/config/index.js';
import { createMetrics } from '../../src/metrics.js';
import type { SwitchConnection } from '../../src/openflow/switch-connection.js';
import type { RestDeps } from '../../src/rest/deps.js';
import { EventBus } from '../../src/rest/events/bus.js';
import { createRestServer } from '../../src/rest/server.js';
import type { RestServer } from '../../src/rest/server.js';

export class FakeTopology implements TopologyService {
  version = 0;
  sw: string[] = [];
  ls: Link[] = [];
  hs: HostInfo[] = [];
  private listeners = new Set<(e: TopologyEvent) => void>();
  switches = () => [...this.sw];
  links = () => [...this.ls];
  hosts = () => [...this.hs];
  host = (mac: string) => this.hs.find((h) => h.mac === mac);
  hostByIp = (ip: string) => this.hs.find((h) => h.ipv4.includes(ip));
  isEdgePort = () => true;
  path = () => undefined;
  floodPorts = () => [];
  subscribe(l: (e: TopologyEvent) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  emit(e: TopologyEvent): void {
    this.version++;
    for (const l of this.listeners) l(e);
  }
}

export interface FakeServer {
  server: RestServer;
  base: string;
  wsBase: string;
  topology: FakeTopology;
  bus: EventBus;
  deps: RestDeps;
  close(): Promise<void>;
}

const fakeSwitch = (dpid: string, ports: Port[]) =>
  ({ closed: false, info: { dpid, datapathId: BigInt(`0x${dpid}`), ports: new Map(ports.map((p) => [p.portNo, p])) } }) as unknown as SwitchConnection;

export async function startFakeServer(switches: Record<string, Port[]>, opts: { topology?: boolean; rest?: Partial<ReturnType<typeof defaultConfig>['rest']>; log?: RestDeps['log'] } = {}): Promise<FakeServer> {
  const topology = new FakeTopology();
  const bus = new EventBus();
  bus.attachTopology(topology);
  const conns = new Map(Object.entries(switches).map(([d, ps]) => [d, fakeSwitch(d, ps)]));
  const host = { apps: () => [], counters: () => ({}) as never, command: () => undefined };
  const app = (name: string) => (name === 'topology' && opts.topology !== false ? ({ name: 'topology', api: topology } as never) : undefined);
  const quiet = { child: () => quiet, debug() {}, info() {}, warn() {}, error() {} };
  const deps: RestDeps = {
    switches: () => conns,
    host,
    app,
    ready: () => true,
    metrics: createMetrics({ switchCount: () => conns.size, host: host as never, app, processMetrics: false }),
    log: opts.log ?? quiet,
    version: '0.0.0-test',
    events: bus,
  };
  const server = await createRestServer(deps, { ...defaultConfig().rest, host: '127.0.0.1', port: 0, ...opts.rest });
  const a = await server.listen();
  return {
    server,
    base: `http://127.0.0.1:${a.port}`,
    wsBase: `ws://127.0.0.1:${a.port}`,
    topology,
    bus,
    deps,
    close: () => server.close(),
  };
}

