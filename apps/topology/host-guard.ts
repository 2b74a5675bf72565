/**
 * Who may be learned where. The host table is bounded per port, per switch and in all, and a
 * full table refuses new MACs rather than evicting known hosts: a port flooding random source
 * addresses fills its own share and nothing else (Faucet's max_hosts). A known host moves to
 * another port at most `hostMoveLimit` times per `hostMoveWindowMs`, and a pinned MAC is learned
 * only on its pinned port: one frame from elsewhere cannot take a host over.
 */
import { numberToMac } from '../../protocol/packet/index.js';
import type { Dpid } from '../sdk/index.js';
import type { HostRecord, HostTable } from './hosts.js';
import type { TopologyOptions } from './options.js';
import type { PinTable } from './pins.js';

/** Why a sighting is not learned (a new host) or not followed (a move). */
export type HostRefusal = 'pinned' | 'move-limit' | 'port-cap' | 'switch-cap' | 'table-cap';

/**
 * Whether `mac` (canonical text, or the 48-bit number), known as `h` (or new), may be recorded
 * on (dpid, port) at `now`: undefined when it may, or the reason it may not. Changes nothing.
 */
export function hostRefusal(opts: TopologyOptions, hosts: HostTable, pins: PinTable, h: HostRecord | undefined, mac: string | number, dpid: Dpid, port: number, now: number): HostRefusal | undefined {
  if (h !== undefined && h.dpid === dpid && h.port === port) return undefined;
  const pin = pins.size === 0 ? undefined : pins.get(typeof mac === 'number' ? numberToMac(mac) : mac);
  if (pin !== undefined) return pin.dpid === dpid && pin.port === port ? undefined : 'pinned';
  if (h !== undefined && moveLimited(opts, h, now)) return 'move-limit';
  if (hosts.portCount(dpid, port) >= opts.maxHostsPerPort) return 'port-cap';
  if ((h === undefined || h.dpid !== dpid) && hosts.switchCount(dpid) >= opts.maxHostsPerSwitch) return 'switch-cap';
  if (h === undefined && hosts.size >= opts.maxHosts) return 'table-cap';
  return undefined;
}

/** Count a move of `h` in its move-limit window. */
export function noteMove(opts: TopologyOptions, h: HostRecord, now: number): void {
  if (h.moveWindowAt === undefined || now - h.moveWindowAt >= opts.hostMoveWindowMs) {
    h.moveWindowAt = now;
    h.movesInWindow = 0;
  }
  h.movesInWindow = (h.movesInWindow ?? 0) + 1;
}

function moveLimited(opts: TopologyOptions, h: HostRecord, now: number): boolean {
  if (h.moveWindowAt === undefined || now - h.moveWindowAt >= opts.hostMoveWindowMs) return false;
  return (h.movesInWindow ?? 0) >= opts.hostMoveLimit;
}
