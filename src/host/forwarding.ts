/**
 * Cluster instances (docs/CLUSTER.md, "Apps' writes"): which app messages for a switch mastered
 * by another instance are handed to that master instead of being dropped by the write gate.
 *
 * The rule follows the cause. A packet-in, a flow-removed and a switch error reach the master
 * of their switch only, and a command or REST call one instance: what an app writes because of
 * them exists nowhere else, so it is forwarded, packet-outs included (a path's flows, routing's
 * ARP flood and its routed packet at the destination's switch). Port status and switch down
 * reach every instance, but each app acts on its own state (the paths it installed), so their
 * flow changes are forwarded too; their packet-outs (LLDP on a port that came up) are not, the
 * master sends its own. Another instance's shared data (sharedChanged: a host it saw) reaches
 * every other instance, but what an app does with it depends on its own state (routing's held
 * packets for that host): forwarded. Switch up, ticks and configuration changes from the store
 * (stateChanged), and deferred messages outside any event, reach every instance, and each
 * writes the switches it masters: nothing is forwarded (the gate drops the rest, counted).
 */
import type { OfMessage } from '../../protocol/index.js';
import { inHostOrder, orderBatch } from './ordering.js';
import type { Entry, Handler } from './host-types.js';
import { entryAt } from './host-types.js';

/** 0: nothing is forwarded; 1: switch changes (flow, group, meter, port, table mods); 2: packet-outs too. */
export type ForwardLevel = 0 | 1 | 2;

export function forwardLevel(handler: Handler): ForwardLevel {
  switch (handler) {
    case 'packetIn':
    case 'flowRemoved':
    case 'error':
    case 'emit':
    case 'command':
    case 'sharedChanged':
      return 2;
    case 'portStatus':
    case 'switchDown':
      return 1;
    default:
      return 0;
  }
}

const CHANGES = new Set<string>(['flowMod', 'groupMod', 'meterMod', 'portMod', 'tableMod']);
const BARRIER: OfMessage = Object.freeze({ type: 'barrierRequest', xid: 0 }) as OfMessage;

/**
 * Split one switch's batch: `forwarded` in the order the master must send it (deletes, a
 * barrier, the rest, as the host orders its own sends), `kept` (with their apps) for this
 * instance's connection: requests of its own (SET_ASYNC, barriers) and writes not forwarded at
 * this level (the gate drops and counts those).
 */
export function splitForwarded(msgs: readonly OfMessage[], from: Entry | readonly Entry[], level: ForwardLevel): { forwarded: OfMessage[]; kept: OfMessage[]; keptFrom: Entry[] } {
  const chosen: OfMessage[] = [];
  const kept: OfMessage[] = [];
  const keptFrom: Entry[] = [];
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i]!;
    if (CHANGES.has(m.type) || (m.type === 'packetOut' && level === 2)) chosen.push(m);
    else {
      kept.push(m);
      keptFrom.push(entryAt(from, i));
    }
  }
  if (inHostOrder(chosen)) return { forwarded: chosen, kept, keptFrom };
  const { deletes, barrier, rest } = orderBatch(chosen.map((msg) => ({ msg })));
  const forwarded = deletes.map((d) => d.msg);
  if (barrier) forwarded.push(BARRIER);
  for (const r of rest) forwarded.push(r.msg);
  return { forwarded, kept, keptFrom };
}
