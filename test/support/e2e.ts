/**
 * Shared pieces of the end-to-end tests (real Open vSwitch, real weft process): the root check,
 * bounded polling, and what OVS says about a bridge's controller connection and flows.
 */
import { fileURLToPath } from 'node:url';
import type { OvsInstance } from './ovs.js';

/** weft's table-miss flow as `ovs-ofctl -O OpenFlow13 dump-flows` prints it. */
export const TABLE_MISS = /\bpriority=0 actions=CONTROLLER:65535\b/;

export const PORT_REPORT_APP = fileURLToPath(new URL('../e2e/fixtures/port-report.mjs', import.meta.url));

/** Fail (never skip) when the e2e tests cannot run here. Open vSwitch itself is checked by startOvs(). */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('end-to-end tests need root (Open vSwitch daemons, veth pairs, Mininet). Run as root with: apt-get install openvswitch-switch openvswitch-common mininet');
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/** Poll `probe` until it returns a truthy value; throw naming `what` (and the last value) after timeoutMs. */
export async function waitFor<T>(probe: () => Promise<T> | T, timeoutMs: number, what: string, intervalMs = 150): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastErr: unknown;
  for (;;) {
    try {
      last = await probe();
      if (last) return last as Truthy<T>;
    } catch (e) {
      lastErr = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)}${lastErr ? `, error: ${(lastErr as Error).message}` : ''})`);
    }
    await sleep(intervalMs);
  }
}

export async function isConnected(ovs: OvsInstance, bridge: string): Promise<boolean> {
  return (await ovs.vsctl('get', 'controller', bridge, 'is_connected')).trim() === 'true';
}

export async function dumpFlows(ovs: OvsInstance, bridge: string): Promise<string> {
  return ovs.ofctl('-O', 'OpenFlow13', 'dump-flows', bridge);
}

/** Port number -> name from `ovs-ofctl show` (LOCAL is 0xfffffffe). */
export async function ofctlPorts(ovs: OvsInstance, bridge: string): Promise<Map<number, string>> {
  const show = await ovs.ofctl('-O', 'OpenFlow13', 'show', bridge);
  const ports = new Map<number, string>();
  for (const m of show.matchAll(/^ (\d+|LOCAL)\(([^)]+)\): addr:/gm)) ports.set(m[1] === 'LOCAL' ? 0xfffffffe : Number(m[1]), m[2]!);
  return ports;
}

/** A unique datapath id (16 hex digits) for a bridge name. */
export function dpidFor(bridge: string, salt: number): string {
  return (0xe2e0n * 0x1000000000000n + BigInt(salt) * 0x100000000n + BigInt(Number.parseInt(bridge.slice(-4), 16))).toString(16).padStart(16, '0');
}
