/**
 * A rig for the Ryu-compatible routes: weft in-process (the REST rig, no switch of its own) plus
 * a scripted fake switch that answers every multipart kind, QUEUE_GET_CONFIG and ROLE_REQUEST
 * from `script`, and can refuse any message with an OpenFlow ERROR carrying its header.
 */
import { encode } from '../../protocol/index.js';
import type { MultipartReplyBody, OfMessage, PacketQueue } from '../../protocol/index.js';
import { FakeSwitch, makePort } from '../support/fake-switch.js';
import { errorOf, startRig } from './rig.js';
import type { Rig, RigOptions } from './rig.js';

export interface RyuScript {
  /** Reply bodies by multipart kind (the request's filters are recorded, not applied). */
  replies: Partial<Record<MultipartReplyBody['kind'], MultipartReplyBody>>;
  queueConfig?: { port: number; queues: PacketQueue[] };
  role?: { role: number; generationId: bigint };
  reject?: (m: OfMessage) => string | undefined;
}

export interface RyuRig extends Omit<Rig, 'script'> {
  ryu: RyuScript;
  /** The datapath id as Ryu prints it (decimal). */
  dp: string;
}

export const RYU_DATAPATH_ID = 0x1n;

export async function startRyuRig(opts: RigOptions = {}): Promise<RyuRig> {
  const rig = await startRig({ ...opts, noSwitch: true });
  const ryu: RyuScript = { replies: {} };
  const datapathId = opts.datapathId ?? RYU_DATAPATH_ID;
  const sw = await FakeSwitch.connect({
    port: rig.weft.addresses()[0]!.port,
    datapathId,
    ports: [makePort(1, 's1-eth1'), makePort(2, 's1-eth2'), makePort(0xfffffffe, 's1', { state: 0 })],
    handler: (m) => {
      const rej = ryu.reject?.(m);
      if (rej) return [{ type: 'error', xid: m.xid, ...errorOf(rej), data: encode(m).subarray(0, 64) }];
      if (m.type === 'roleRequest' && ryu.role) return [{ type: 'roleReply', xid: m.xid, ...ryu.role }];
      if (m.type === 'queueGetConfigRequest' && ryu.queueConfig) return [{ type: 'queueGetConfigReply', xid: m.xid, ...ryu.queueConfig }];
      if (m.type === 'multipartRequest') {
        const body = ryu.replies[m.body.kind];
        if (body) return [{ type: 'multipartReply', xid: m.xid, flags: 0, body }];
      }
      return undefined;
    },
  });
  const dpid = datapathId.toString(16).padStart(16, '0');
  const deadline = Date.now() + 5000;
  while (!rig.weft.server.switches.has(dpid)) {
    if (Date.now() > deadline) throw new Error('fake switch did not come up');
    await new Promise((r) => setTimeout(r, 10));
  }
  // The switch-up reconciliation (a flow dump, the table-miss flow, a barrier) ends before a test
  // counts what the switch receives.
  while (!rig.weft.host.reconciler.status(dpid)?.last) {
    if (Date.now() > deadline + 10_000) throw new Error('switch-up reconciliation did not end');
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    weft: rig.weft,
    base: rig.base,
    sw,
    dpid,
    dp: datapathId.toString(10),
    ryu,
    got: (type) => sw.received.filter((m) => m.type === type) as never,
    stream: () => [...sw.received],
    async close() {
      sw.destroy();
      await rig.close();
    },
  };
}
