/** The nat app's shared state and counters, passed to its handler modules. */
import type { AppContext } from '../sdk/index.js';
import type { FlowEnv } from './flows.js';
import type { NatOptions } from './options.js';
import type { NatRule } from './rules.js';
import type { SessionTable } from './sessions.js';

export interface NatCounters {
  /** Sessions created (TCP/UDP flow pairs and ICMP echo translations). */
  sessions: number;
  /** New connections refused because the session table is full. */
  refusedFull: number;
  /** New connections refused because the outside address has no free port (or echo id). */
  refusedNoPort: number;
  /** Echo packets the controller translated. */
  echoTranslated: number;
  /** Echo replies with no translation (dropped). */
  echoUnknown: number;
  /** ICMP errors about a session, translated (icmp-error.ts), and ones that named no session. */
  icmpErrorsTranslated: number;
  icmpErrorsUnknown: number;
  /** Packets from a masqueraded prefix that cannot be translated (not TCP, UDP or echo). */
  dropped: number;
  /** TCP/UDP packets to a masquerade address that are no session's reply (dropped). */
  inboundUnknown: number;
  /** Sessions ended by their flows' removal. */
  flowRemoved: number;
  /** Sessions ended by the table's TTL backstop. */
  expired: number;
  arpReplies: number;
  /** Sessions rebuilt from a switch's flows (weft restart, reconnect). */
  sessionsRestored: number;
}

export const zeroCounters = (): NatCounters => ({
  sessions: 0, refusedFull: 0, refusedNoPort: 0, echoTranslated: 0, echoUnknown: 0, icmpErrorsTranslated: 0, icmpErrorsUnknown: 0, dropped: 0, inboundUnknown: 0, flowRemoved: 0, expired: 0, arpReplies: 0, sessionsRestored: 0,
});

export interface NatState {
  readonly ctx: AppContext;
  readonly opts: NatOptions;
  rules: NatRule[];
  nextRuleId: number;
  /** Order of the next rule kept in ctx.state. */
  nextSeq: number;
  readonly sessions: SessionTable;
  readonly env: FlowEnv;
  readonly counters: NatCounters;
}
