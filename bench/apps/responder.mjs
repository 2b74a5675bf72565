/**
 * bench-responder: the least a reactive app can do, to measure weft's plumbing (decode, app
 * host, encode, socket writes) apart from the default apps' logic. Each PACKET_IN is answered
 * like a learning switch whose destination is always known: one FLOW_MOD matching the frame's
 * in_port/eth_src/eth_dst that outputs to the next port (carrying the buffer id when the switch
 * buffered the packet), plus a PACKET_OUT with the frame when it did not. Plain JavaScript so
 * `node dist/src/cli.js --apps table-miss,./bench/apps/responder.mjs` loads it without a build.
 */
import { flowAdd, output, packetOut } from '../../dist/apps/sdk/index.js';

const NO_BUFFER = 0xffffffff;

const hex = (b, o) => {
  let s = '';
  for (let i = 0; i < 6; i++) s += (i ? ':' : '') + b[o + i].toString(16).padStart(2, '0');
  return s;
};

export default function createResponder() {
  let cookie = 0n;
  return {
    name: 'bench-responder',
    receiveTableMiss: true,
    switchLocal: true,
    init(ctx) {
      cookie = ctx.cookie(1);
    },
    packetIn(_sw, ev) {
      const d = ev.data;
      if (d.length < 14) return undefined;
      const outPort = (ev.inPort % 4) + 1;
      const bufferId = ev.msg.bufferId;
      const fm = flowAdd({
        priority: 100,
        idle: 60,
        cookie,
        bufferId,
        match: { in_port: ev.inPort, eth_dst: hex(d, 0), eth_src: hex(d, 6) },
        actions: [output(outPort)],
      });
      if (bufferId !== NO_BUFFER) return [fm];
      return [fm, packetOut({ data: d, inPort: ev.inPort, actions: [output(outPort)] })];
    },
  };
}
