/**
 * What l2-learning offers other apps: its mode and learned MACs. Another app imports this file
 * type-only and gets it with `ctx.app('l2-learning')` from init() on (see apps/sdk/app-apis.ts).
 */
import type { ApiProvider, Dpid } from '../sdk/index.js';

declare module '../sdk/app-apis.js' {
  interface AppApis {
    'l2-learning': L2LearningApi;
  }
}

/** A learned MAC of one switch. */
export interface MacRow {
  readonly mac: string;
  readonly port: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface L2LearningApi {
  /** 'topology': paths and flood tree from the topology app; 'standalone': per-switch learning, OFPP_FLOOD. */
  readonly mode: 'topology' | 'standalone';
  /** The learned MACs of one switch (unexpired), by MAC. */
  macTable(dpid: Dpid): MacRow[];
}

export type L2LearningProvider = ApiProvider<'l2-learning'>;
