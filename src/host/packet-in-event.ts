import { decodeFrame } from '../../apps/sdk/frame.js';
import type { Frame, PacketInEvent } from '../../apps/sdk/index.js';
import type { Match, PacketIn } from '../../protocol/index.js';

/** in_port from a packet-in's match (0 when the switch left it out). A loop, not find(): no closure. */
function inPortOf(match: Match): number {
  for (let i = 0; i < match.length; i++) {
    const e = match[i]!;
    if (e.field === 'in_port') return e.value;
  }
  return 0;
}

/**
 * A PacketInEvent whose frame is decoded once, on first read, and shared by every app. A class
 * rather than an object literal with a getter: one hidden class for every event, and no closure
 * per packet-in (this is made for every PACKET_IN, the controller's hottest path).
 */
class HostPacketInEvent implements PacketInEvent {
  readonly inPort: number;
  readonly reason: number;
  readonly tableId: number;
  readonly cookie: bigint;
  readonly data: Uint8Array;
  #frame: Frame | undefined = undefined;

  constructor(
    readonly msg: PacketIn,
    readonly miss: boolean,
  ) {
    this.inPort = inPortOf(msg.match);
    this.reason = msg.reason;
    this.tableId = msg.tableId;
    this.cookie = msg.cookie;
    this.data = msg.data;
  }

  get frame(): Frame {
    return (this.#frame ??= decodeFrame(this.msg.data));
  }
}

export function packetInEvent(msg: PacketIn, miss: boolean): PacketInEvent {
  return new HostPacketInEvent(msg, miss);
}
