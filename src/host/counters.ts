/** The app host's counters, read by /metrics and REST (copies: the host keeps plain numbers). */
export interface AppCounters {
  /** Handler calls made. */
  events: number;
  /** Handler calls that threw or returned something unusable, by handler name. */
  failures: Record<string, number>;
  messagesSent: number;
  /** Messages for a switch that was not connected. */
  messagesDropped: number;
  /** ERRORs from switches caused by this app's messages. */
  switchErrors: number;
}

export interface HostCounters {
  packetInsMiss: number;
  packetInsOwned: number;
  /** Packet-ins no app wanted. */
  packetInsUnclaimed: number;
  flowRemovedUnclaimed: number;
  /** Switch ERRORs not caused by any app message (or whose request was forgotten). */
  errorsUnclaimed: number;
  barriers: number;
  /** Cluster: app messages handed to another instance, the master of their switch. */
  messagesForwarded?: number;
  apps: Record<string, AppCounters>;
}
