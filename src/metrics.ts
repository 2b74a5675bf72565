/**
 * Every Prometheus metric of weft, in one place, on a registry of its own (one per weft
 * instance, so tests can run several). Hot-path numbers are NOT prom-client calls: the
 * connection layer bumps plain arrays (OpenFlowStats) and the app host keeps plain counters;
 * the collect() callbacks below copy them into the metrics when /metrics is scraped.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { errorCodeName, errorTypeName, OFPT } from '../protocol/index.js';
import { apiOf } from '../apps/sdk/index.js';
import type { App } from '../apps/sdk/index.js';
import type { TopologyService } from '../apps/topology/api.js';
import type { AppHealth } from './host/watchdog.js';
import type { HostCounters } from './host/app-host.js';
import type { Reconciler } from './host/reconciler.js';
import { OpenFlowStats } from './openflow/stats.js';
import { processFaults } from './process-guard.js';

export interface MetricsSources {
  /** The counters the OpenFlow server was given (a fresh one if omitted). */
  openflow?: OpenFlowStats;
  switchCount(): number;
  host: { counters(): HostCounters; apps(): { name: string }[]; health?(): Record<string, AppHealth> };
  app(name: string): App | undefined;
  /** Reconciliation runs and failed flows (docs/STATE.md). */
  reconciler?: Pick<Reconciler, 'totals' | 'failedCount' | 'lastResults'>;
  /** A cluster instance (docs/CLUSTER.md): its name labels every metric (`weft_instance`). */
  cluster?: { readonly name: string; member(): boolean; mastered(): number; writesGated(): number };
  /** Process metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
}

export interface WeftMetrics {
  readonly registry: Registry;
  readonly openflow: OpenFlowStats;
  /** REST request durations; observed by the REST server's onResponse hook. */
  readonly restDuration: Histogram<'method' | 'route' | 'status'>;
  readonly echoRtt: Histogram;
  /** Event-stream clients disconnected for not reading (rest.eventsMaxBufferedBytes). */
  readonly eventsSlowClients: Counter;
  /** The Prometheus text exposition. */
  text(): Promise<string>;
  readonly contentType: string;
}

const TYPE_NAMES: string[] = [];
for (const [name, n] of Object.entries(OFPT)) TYPE_NAMES[n] = name;
const typeName = (n: number) => TYPE_NAMES[n] ?? `TYPE_${n}`;

/** The topology app's service, if the app is loaded (apps/topology is optional). */
export function topologyOf(app: (name: string) => App | undefined): TopologyService | undefined {
  return apiOf(app('topology'), 'topology');
}

export function createMetrics(src: MetricsSources): WeftMetrics {
  const registry = new Registry();
  const stats = src.openflow ?? new OpenFlowStats();
  const registers = [registry];

  new Gauge({
    name: 'weft_switches_connected',
    help: 'Switches that completed the OpenFlow handshake and are connected',
    registers,
    collect() {
      this.set(src.switchCount());
    },
  });

  new Counter({
    name: 'weft_openflow_messages_total',
    help: 'OpenFlow messages received (direction="in") and sent (direction="out"), by ofp_type',
    labelNames: ['direction', 'type'],
    registers,
    collect() {
      this.reset();
      for (let t = 0; t < 256; t++) {
        if (stats.rx[t]) this.inc({ direction: 'in', type: typeName(t) }, stats.rx[t]);
        if (stats.tx[t]) this.inc({ direction: 'out', type: typeName(t) }, stats.tx[t]);
      }
    },
  });

  new Counter({
    name: 'weft_packet_ins_total',
    help: 'PACKET_IN messages received from switches',
    registers,
    collect() {
      this.reset();
      this.inc(stats.rx[OFPT.PACKET_IN]!);
    },
  });

  new Counter({
    name: 'weft_flow_mods_total',
    help: 'FLOW_MOD messages sent to switches',
    registers,
    collect() {
      this.reset();
      this.inc(stats.tx[OFPT.FLOW_MOD]!);
    },
  });

  new Counter({
    name: 'weft_switch_errors_total',
    help: 'OpenFlow ERROR messages received from switches, by error type and code name',
    labelNames: ['type', 'code'],
    registers,
    collect() {
      this.reset();
      for (const [k, n] of stats.errors) {
        const errType = Math.floor(k / 65536);
        this.inc({ type: errorTypeName(errType), code: errorCodeName(errType, k % 65536) }, n);
      }
    },
  });

  const byKey = (name: string, help: string, label: string, map: Map<string, number>) =>
    new Counter({
      name,
      help,
      labelNames: [label],
      registers,
      collect() {
        this.reset();
        for (const [k, n] of map) this.inc({ [label]: k }, n);
      },
    });
  byKey('weft_openflow_disconnects_total', 'Switch connections closed, by cause (docs/CONTROLLER.md, limits)', 'cause', stats.disconnects);
  byKey('weft_openflow_violations_total', 'Protocol violations by peers, by kind (not_openflow, bad_framing, before_hello, undecodable ...)', 'kind', stats.violations);
  byKey('weft_openflow_limit_hits_total', 'Per-connection caps that were hit, by limit (multipart_parts, multipart_bytes, multipart_deadline, ports)', 'limit', stats.limits);
  new Counter({
    name: 'weft_log_lines_suppressed_total',
    help: 'Connection log lines left out by the per-peer rate limit (openflow.logRepeatLimit)',
    registers,
    collect() {
      this.reset();
      this.inc(stats.logLinesSuppressed);
    },
  });

  const echoRtt = new Histogram({
    name: 'weft_echo_rtt_seconds',
    help: 'Round-trip time of the echo requests weft sends to idle switches',
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers,
  });
  stats.onEchoRtt = (s) => echoRtt.observe(s);
  const eventsSlowClients = new Counter({
    name: 'weft_events_slow_clients_disconnected_total',
    help: 'Event-stream (WebSocket) clients disconnected because more than rest.eventsMaxBufferedBytes waited to be sent to them',
    registers,
  });

  const restDuration = new Histogram({
    name: 'weft_rest_request_duration_seconds',
    help: 'REST API request durations, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers,
  });

  // App host counters, per app and overall.
  const perApp = (name: string, help: string, pick: (c: HostCounters['apps'][string]) => number) =>
    new Counter({
      name,
      help,
      labelNames: ['app'],
      registers,
      collect() {
        this.reset();
        for (const [app, c] of Object.entries(src.host.counters().apps)) this.inc({ app }, pick(c));
      },
    });
  perApp('weft_app_events_total', 'Events delivered to each app (handler calls)', (c) => c.events);
  // The app watchdog (src/host/watchdog.ts).
  const perAppHealth = (name: string, help: string, pick: (h: AppHealth) => number, Kind: typeof Gauge | typeof Counter) =>
    new Kind({
      name,
      help,
      labelNames: ['app'],
      registers,
      collect() {
        this.reset();
        for (const [app, h] of Object.entries(src.host.health?.() ?? {})) (this as Gauge).inc({ app }, pick(h));
      },
    });
  perAppHealth('weft_app_enabled', '1 while an app runs, 0 once the watchdog disabled it', (h) => (h.state === 'enabled' ? 1 : 0), Gauge);
  perAppHealth('weft_app_disables_total', 'Times the watchdog disabled each app', (h) => h.disables, Counter);
  perAppHealth('weft_app_slow_calls_total', 'Handler calls of each app over the watchdog time budget', (h) => h.slowCalls, Counter);
  perApp('weft_app_messages_sent_total', 'OpenFlow messages each app emitted that were sent', (c) => c.messagesSent);
  perApp('weft_app_messages_dropped_total', 'Messages each app emitted for a switch that was not connected', (c) => c.messagesDropped);
  perApp('weft_app_switch_errors_total', 'Switch ERRORs caused by each app\'s messages', (c) => c.switchErrors);
  new Counter({
    name: 'weft_app_failures_total',
    help: 'App handler calls that threw or returned something unusable, by app and handler',
    labelNames: ['app', 'handler'],
    registers,
    collect() {
      this.reset();
      for (const [app, c] of Object.entries(src.host.counters().apps)) {
        for (const [handler, n] of Object.entries(c.failures)) this.inc({ app, handler }, n);
      }
    },
  });
  new Counter({
    name: 'weft_host_packet_ins_total',
    help: 'Packet-ins by how the app host dispatched them: owned (by cookie), miss (to table-miss subscribers), unclaimed',
    labelNames: ['dispatch'],
    registers,
    collect() {
      this.reset();
      const c = src.host.counters();
      this.inc({ dispatch: 'owned' }, c.packetInsOwned);
      this.inc({ dispatch: 'miss' }, c.packetInsMiss);
      this.inc({ dispatch: 'unclaimed' }, c.packetInsUnclaimed);
    },
  });
  new Counter({
    name: 'weft_host_flow_removed_unclaimed_total',
    help: 'FLOW_REMOVED messages no app owns (unsolicited, or for flows of an app not loaded)',
    registers,
    collect() {
      this.reset();
      this.inc(src.host.counters().flowRemovedUnclaimed);
    },
  });
  new Counter({
    name: 'weft_host_errors_unclaimed_total',
    help: 'Switch ERRORs not caused by any app message',
    registers,
    collect() {
      this.reset();
      this.inc(src.host.counters().errorsUnclaimed);
    },
  });

  const rec = src.reconciler;
  if (rec) {
    new Counter({
      name: 'weft_reconcile_runs_total',
      help: 'Reconciliations of a switch against desired state, by trigger (switchUp, audit, retry, request)',
      labelNames: ['trigger'],
      registers,
      collect() {
        this.reset();
        for (const [trigger, n] of Object.entries(rec.totals.runs)) this.inc({ trigger }, n);
      },
    });
    new Counter({
      name: 'weft_reconcile_errors_total',
      help: 'Reconciliations that could not finish (switch gone, request timed out)',
      registers,
      collect() {
        this.reset();
        this.inc(rec.totals.errors);
      },
    });
    new Counter({
      name: 'weft_reconcile_flows_total',
      help: 'Flows by what reconciliation did with them: added, modified, deleted, kept (identical), adopted, failed',
      labelNames: ['action'],
      registers,
      collect() {
        this.reset();
        for (const [action, n] of Object.entries(rec.totals.flows)) this.inc({ action }, n);
      },
    });
    new Gauge({
      name: 'weft_reconcile_failed_flows',
      help: 'Desired flows currently marked failed (refused by their switch), all switches',
      registers,
      collect() {
        this.set(rec.failedCount);
      },
    });
    new Gauge({
      name: 'weft_reconcile_last_flows',
      help: 'Per switch, the last reconciliation: flows by action',
      labelNames: ['dpid', 'action'],
      registers,
      collect() {
        this.reset();
        for (const r of rec.lastResults()) {
          const f = r.flows;
          for (const action of ['added', 'modified', 'deleted', 'kept', 'adopted', 'foreign', 'failed'] as const) this.set({ dpid: r.dpid, action }, f[action]);
        }
      },
    });
    new Gauge({
      name: 'weft_reconcile_last_timestamp_seconds',
      help: 'Per switch, when the last reconciliation started (Unix time)',
      labelNames: ['dpid'],
      registers,
      collect() {
        this.reset();
        for (const r of rec.lastResults()) this.set({ dpid: r.dpid }, Date.parse(r.at) / 1000);
      },
    });
    new Gauge({
      name: 'weft_reconcile_last_duration_seconds',
      help: 'Per switch, how long the last reconciliation took (read, diff, send, barrier)',
      labelNames: ['dpid'],
      registers,
      collect() {
        this.reset();
        for (const r of rec.lastResults()) this.set({ dpid: r.dpid }, r.durationMs / 1000);
      },
    });
  }

  // Numbers apps report through App.stats(), and the topology's size when it is loaded.
  new Gauge({
    name: 'weft_app_stat',
    help: 'Numbers apps report (MACs learned, sessions ...), by app and stat name',
    labelNames: ['app', 'stat'],
    registers,
    collect() {
      this.reset();
      for (const { name } of src.host.apps()) {
        const app = src.app(name);
        if (!app?.stats) continue;
        let values: Record<string, number>;
        try {
          values = app.stats();
        } catch {
          continue;
        }
        for (const [stat, v] of Object.entries(values ?? {})) if (typeof v === 'number' && Number.isFinite(v)) this.set({ app: name, stat }, v);
      }
    },
  });
  const topo = (name: string, help: string, pick: (t: TopologyService) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        const t = topologyOf(src.app);
        if (t) this.set(pick(t));
        else this.reset();
      },
    });
  topo('weft_topology_switches', 'Switches in the topology (topology app)', (t) => t.switches().length);
  topo('weft_topology_links', 'Directed switch-to-switch links discovered (topology app)', (t) => t.links().length);
  topo('weft_topology_hosts', 'Hosts learned (topology app)', (t) => t.hosts().length);

  new Counter({
    name: 'weft_process_faults_total',
    help: 'Unhandled promise rejections and uncaught exceptions logged by the process guard (weft kept running)',
    labelNames: ['kind'],
    registers,
    collect() {
      this.reset();
      for (const [kind, n] of Object.entries(processFaults)) this.inc({ kind }, n);
    },
  });

  const cl = src.cluster;
  if (cl) {
    // Not `instance`: Prometheus sets that label itself on every scraped series.
    registry.setDefaultLabels({ weft_instance: cl.name });
    const gauge = (name: string, help: string, value: () => number) =>
      new Gauge({ name, help, registers, collect() { this.set(value()); } });
    gauge('weft_cluster_member', '1 while this instance holds a renewed etcd lease (a cluster member), else 0', () => (cl.member() ? 1 : 0));
    gauge('weft_cluster_switches_mastered', 'Switches this instance is OpenFlow master of', () => cl.mastered());
    new Counter({
      name: 'weft_cluster_writes_gated_total',
      help: 'Messages that change a switch, dropped because this instance was not its master',
      registers,
      collect() {
        this.reset();
        this.inc(cl.writesGated());
      },
    });
  }

  if (src.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'weft_' });

  return {
    registry,
    openflow: stats,
    restDuration,
    echoRtt,
    eventsSlowClients,
    text: () => registry.metrics(),
    contentType: registry.contentType,
  };
}
