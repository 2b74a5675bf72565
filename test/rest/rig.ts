/**
 * The REST test rig: weft started in-process (startWeft) on free ports, plus a scripted fake
 * switch over a real TCP socket, and a tiny fetch wrapper. Every request is real HTTP.
 */
import { Writable } from 'node:stream';
import { errorCodeByName, OFPET, onf } from '../../protocol/index.js';
import type { BundleAdd, BundleControl, FlowStats, GroupDesc, GroupStats, MeterConfig, MeterStats, MultipartReplyBody, OfMessage, PortStats, TableStats } from '../../protocol/index.js';
import { defaultConfig } from '../../src/config/index.js';
import type { WeftConfig } from '../../src/config/index.js';
import type { Weft } from '../../src/main.js';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { startWeftOnFreePorts } from '../support/start-weft.js';
import type { FreePorts } from '../support/start-weft.js';

/** What the scripted switch answers; tests change these fields between requests. */
export interface SwitchScript {
  flows: FlowStats[];
  tables: TableStats[];
  portStats: PortStats[];
  groups: GroupDesc[];
  groupStats: GroupStats[];
  meters: MeterConfig[];
  meterStats: MeterStats[];
  /** Answer any message first (undefined: the defaults below). */
  answer?: (msg: OfMessage) => OfMessage[] | undefined;
  /** Return "OFPET_X/OFPXXC_Y" to answer a write with that ERROR. */
  reject?: (msg: OfMessage) => string | undefined;
}

export interface Rig {
  weft: Weft;
  base: string;
  sw: FakeSwitch;
  dpid: string;
  script: SwitchScript;
  /** Messages of one type the fake switch received so far. */
  got<K extends OfMessage['type']>(type: K): Extract<OfMessage, { type: K }>[];
  /** Everything the fake switch received, in order. */
  stream(): OfMessage[];
  close(): Promise<void>;
}

export interface RigOptions {
  token?: string;
  cors?: string[];
  apps?: string[];
  bodyLimit?: number;
  datapathId?: bigint;
  echoIntervalMs?: number;
  /** Do not connect a fake switch. */
  noSwitch?: boolean;
  /** Other rest.* settings. */
  rest?: Partial<WeftConfig['rest']>;
  /** The state store's directory (default: in memory). */
  stateDir?: string;
  /** host.* settings (the app watchdog). */
  host?: Partial<WeftConfig['host']>;
}

const quiet = new Writable({ write: (_c, _e, cb) => cb() });

export function errorOf(spec: string): { errType: number; code: number } {
  const [t, c] = spec.split('/');
  const errType = OFPET[t!.replace(/^OFPET_/, '') as keyof typeof OFPET];
  const code = errorCodeByName(errType, c!);
  if (errType === undefined || code === undefined) throw new Error(`bad error spec ${spec}`);
  return { errType, code };
}

function answer(msg: OfMessage, script: SwitchScript): OfMessage[] | undefined {
  const own = script.answer?.(msg);
  if (own) return own;
  const rej = script.reject?.(msg);
  if (rej) return [{ type: 'error', xid: msg.xid, ...errorOf(rej), data: new Uint8Array(8) }];
  if (msg.type !== 'multipartRequest') return undefined;
  const reply = (body: MultipartReplyBody): OfMessage[] => [{ type: 'multipartReply', xid: msg.xid, flags: 0, body }];
  const b = msg.body;
  switch (b.kind) {
    case 'flow':
      return reply({ kind: 'flow', stats: script.flows });
    case 'table':
      return reply({ kind: 'table', stats: script.tables });
    case 'portStats':
      return reply({ kind: 'portStats', stats: script.portStats });
    case 'groupDesc':
      return reply({ kind: 'groupDesc', stats: script.groups });
    case 'group':
      return reply({ kind: 'group', stats: script.groupStats });
    case 'meterConfig':
      return reply({ kind: 'meterConfig', stats: script.meters.filter((m) => b.meterId === 0xffffffff || m.meterId === b.meterId) });
    case 'meter':
      return reply({ kind: 'meter', stats: script.meterStats.filter((m) => b.meterId === 0xffffffff || m.meterId === b.meterId) });
    default:
      return undefined;
  }
}

export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  const base = defaultConfig();
  const configFor = (ports: FreePorts): WeftConfig => ({
    ...base,
    // Short request timeout so the 504 test is quick.
    openflow: { ...base.openflow, host: '127.0.0.1', port: ports.openflow, requestTimeoutMs: 800, echoIntervalMs: opts.echoIntervalMs ?? base.openflow.echoIntervalMs },
    rest: {
      ...base.rest,
      port: ports.rest,
      token: opts.token ?? null,
      corsOrigins: opts.cors ?? [],
      bodyLimit: opts.bodyLimit ?? base.rest.bodyLimit,
      ...opts.rest,
    },
    apps: opts.apps ?? ['table-miss'],
    host: { ...base.host, ...opts.host },
    state: { dir: opts.stateDir ?? null },
    log: { level: 'silent', levels: {} },
  });
  const { weft } = await startWeftOnFreePorts(configFor, { logDestination: quiet });
  const config = weft.config;
  const script: SwitchScript = { flows: [], tables: [], portStats: [], groups: [], groupStats: [], meters: [], meterStats: [] };
  const datapathId = opts.datapathId ?? 0x00005eed0000002an;
  let sw: FakeSwitch | undefined;
  if (!opts.noSwitch) {
    sw = await FakeSwitch.connect({
      port: config.openflow.port,
      datapathId,
      ports: [makePort(1, 'eth1'), makePort(2, 'eth2'), makePort(7, 'uplink7', { state: 1 })],
      handler: (m) => answer(m, script),
    });
    const dpid = datapathId.toString(16).padStart(16, '0');
    const deadline = Date.now() + 5000;
    while (!weft.server.switches.has(dpid)) {
      if (Date.now() > deadline) throw new Error('fake switch did not come up');
      await new Promise((r) => setTimeout(r, 10));
    }
    // The switch-up reconciliation (a flow dump, the table-miss flow, a barrier) ends before a
    // test counts what the switch receives.
    while (!weft.host.reconciler.status(dpid)?.last) {
      if (Date.now() > deadline + 10_000) throw new Error('switch-up reconciliation did not end');
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const addr = weft.restAddress();
  return {
    weft,
    base: `http://127.0.0.1:${addr.port}`,
    sw: sw!,
    dpid: datapathId.toString(16).padStart(16, '0'),
    script,
    got: (type) => (sw ? (sw.received.filter((m) => m.type === type) as never) : []),
    stream: () => (sw ? [...sw.received] : []),
    async close() {
      sw?.destroy();
      await weft.stop();
    },
  };
}

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export async function http(rig: { base: string }, method: string, path: string, init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Res> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  let body: string | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${rig.base}${path}`, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * The rig's switch answers bundle control requests as Open vSwitch does; `onAdd` may answer an
 * add (k counts the adds since the last OPEN).
 */
export function answerBundles(rig: Rig, onAdd?: (m: BundleAdd, k: number, open: BundleControl) => OfMessage[] | undefined): void {
  let open: BundleControl | undefined;
  let adds = 0;
  rig.script.answer = (m) => {
    if (m.type === 'bundleControl') {
      if (m.ctrlType === onf.OFPBCT.OPEN_REQUEST) {
        open = m;
        adds = 0;
      }
      return [{ ...m, ctrlType: m.ctrlType + 1, flags: 0 }];
    }
    if (m.type === 'bundleAdd') return onAdd?.(m, adds++, open!) ?? [];
    return undefined;
  };
}

/** The control types of the bundle requests the switch got, from the `from`th on. */
export const bundleControls = (rig: Rig, from: number) => rig.got('bundleControl').slice(from).map((m) => m.ctrlType);
