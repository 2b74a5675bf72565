import { decodeFrame } from '../../apps/sdk/frame.js';
import type { Frame, PacketInEvent } from '../../apps/sdk/index.js';
import type { PacketIn } from '../../protocol/index.js';

/** A PacketInEvent whose frame is decoded once, on first read, and shared by every app. */
export function packetInEvent(msg: PacketIn, miss: boolean): PacketInEvent {
  let frame: Frame | undefined;
  const inPortOxm = msg.match.find((e) => e.field === 'in_port');
  return {
    msg,
    inPort: inPortOxm && inPortOxm.field === 'in_port' ? inPortOxm.value : 0,
    reason: msg.reason,
    tableId: msg.tableId,
    cookie: msg.cookie,
    data: msg.data,
    miss,
    get frame() {
      return (frame ??= decodeFrame(msg.data));
    },
  };
}
