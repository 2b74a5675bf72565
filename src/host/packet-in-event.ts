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
 * per packet-in (this is made for every PACKET_IN, the controller's hottest path). The fields
 * that are the message's own are getters over it, so the event is four fields, not eight.
 */
class HostPacketInEvent implements PacketInEvent {
  readonly inPort: number;
  #frame: Frame | undefined = undefined;

  constructor(
    readonly msg: PacketIn,
    readonly miss: boolean,
  ) {
    this.inPort = inPortOf(msg.match);
  }

  get reason(): number {
    return this.msg.reason;
  }

  get tableId(): number {
    return this.msg.tableId;
  }

  get cookie(): bigint {
    return this.msg.cookie;
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  get frame(): Frame {
    return (this.#frame ??= decodeFrame(this.msg.data));
  }
}

export function packetInEvent(msg: PacketIn, miss: boolean): PacketInEvent {
  return new HostPacketInEvent(msg, miss);
}
