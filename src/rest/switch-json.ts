/** JSON views of connected switches and their ports for the native API. */
import { OFPC, OFPPC, OFPPS } from '../../protocol/index.js';
import type { Port, PortStats, TableStats } from '../../protocol/index.js';
import type { SwitchConnection } from '../openflow/switch-connection.js';
import { formatFlags, formatPort } from './values.js';

const CAPABILITIES: Record<string, number> = Object.fromEntries(Object.entries(OFPC).map(([k, v]) => [k.toLowerCase(), v]));
const PORT_CONFIG: Record<string, number> = Object.fromEntries(Object.entries(OFPPC).map(([k, v]) => [k.toLowerCase(), v]));
const PORT_STATE: Record<string, number> = Object.fromEntries(Object.entries(OFPPS).map(([k, v]) => [k.toLowerCase(), v]));

export function portToJson(p: Port): Record<string, unknown> {
  return {
    portNo: formatPort(p.portNo),
    name: p.name,
    hwAddr: p.hwAddr,
    admin: p.config & OFPPC.PORT_DOWN ? 'down' : 'up',
    link: p.state & OFPPS.LINK_DOWN ? 'down' : 'up',
    live: (p.state & OFPPS.LIVE) !== 0,
    config: formatFlags(p.config, PORT_CONFIG),
    state: formatFlags(p.state, PORT_STATE),
    curr: p.curr,
    advertised: p.advertised,
    supported: p.supported,
    peer: p.peer,
    currSpeedKbps: p.currSpeed,
    maxSpeedKbps: p.maxSpeed,
  };
}

export function switchSummary(conn: SwitchConnection): Record<string, unknown> {
  const i = conn.info;
  return {
    dpid: i.dpid,
    datapathId: i.datapathId.toString(),
    remoteAddress: i.remoteAddress,
    remotePort: i.remotePort,
    tls: i.tls,
    connectedAt: new Date(i.connectedAt).toISOString(),
    nTables: i.features.nTables,
    nPorts: i.ports.size,
    software: i.desc?.swDesc ?? null,
  };
}

export function switchDetail(conn: SwitchConnection): Record<string, unknown> {
  const i = conn.info;
  const d = i.desc;
  return {
    dpid: i.dpid,
    datapathId: i.datapathId.toString(),
    connection: { remoteAddress: i.remoteAddress, remotePort: i.remotePort, tls: i.tls, connectedAt: new Date(i.connectedAt).toISOString() },
    description: d ? { manufacturer: d.mfrDesc, hardware: d.hwDesc, software: d.swDesc, serialNumber: d.serialNum, datapath: d.dpDesc } : null,
    features: {
      nBuffers: i.features.nBuffers,
      nTables: i.features.nTables,
      auxiliaryId: i.features.auxiliaryId,
      capabilities: formatFlags(i.features.capabilities, CAPABILITIES),
    },
    ports: [...i.ports.values()].sort((a, b) => a.portNo - b.portNo).map(portToJson),
  };
}

export function portStatsToJson(s: PortStats): Record<string, unknown> {
  return {
    portNo: formatPort(s.portNo),
    rxPackets: Number(s.rxPackets),
    txPackets: Number(s.txPackets),
    rxBytes: Number(s.rxBytes),
    txBytes: Number(s.txBytes),
    rxDropped: Number(s.rxDropped),
    txDropped: Number(s.txDropped),
    rxErrors: Number(s.rxErrors),
    txErrors: Number(s.txErrors),
    rxFrameErr: Number(s.rxFrameErr),
    rxOverErr: Number(s.rxOverErr),
    rxCrcErr: Number(s.rxCrcErr),
    collisions: Number(s.collisions),
    durationSec: s.durationSec,
    durationNsec: s.durationNsec,
  };
}

export function tableStatsToJson(t: TableStats): Record<string, unknown> {
  return { table: t.tableId, activeCount: t.activeCount, lookupCount: Number(t.lookupCount), matchedCount: Number(t.matchedCount) };
}

const portOrName = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
const strList = { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'integer' }] } };

export const PORT_SCHEMA = {
  $id: 'Port',
  type: 'object',
  properties: {
    portNo: portOrName,
    name: { type: 'string' },
    hwAddr: { type: 'string' },
    admin: { type: 'string', enum: ['up', 'down'] },
    link: { type: 'string', enum: ['up', 'down'] },
    live: { type: 'boolean' },
    config: strList,
    state: strList,
    curr: { type: 'integer' },
    advertised: { type: 'integer' },
    supported: { type: 'integer' },
    peer: { type: 'integer' },
    currSpeedKbps: { type: 'integer' },
    maxSpeedKbps: { type: 'integer' },
  },
} as const;

export const SWITCH_SUMMARY_SCHEMA = {
  $id: 'SwitchSummary',
  type: 'object',
  properties: {
    dpid: { type: 'string' },
    datapathId: { type: 'string', description: 'decimal' },
    remoteAddress: { type: 'string' },
    remotePort: { type: 'integer' },
    tls: { type: 'boolean' },
    connectedAt: { type: 'string', format: 'date-time' },
    nTables: { type: 'integer' },
    nPorts: { type: 'integer' },
    software: { type: ['string', 'null'] },
  },
} as const;

export const SWITCH_DETAIL_SCHEMA = {
  $id: 'Switch',
  type: 'object',
  properties: {
    dpid: { type: 'string' },
    datapathId: { type: 'string' },
    connection: {
      type: 'object',
      properties: { remoteAddress: { type: 'string' }, remotePort: { type: 'integer' }, tls: { type: 'boolean' }, connectedAt: { type: 'string' } },
    },
    description: {
      type: ['object', 'null'],
      properties: {
        manufacturer: { type: 'string' },
        hardware: { type: 'string' },
        software: { type: 'string' },
        serialNumber: { type: 'string' },
        datapath: { type: 'string' },
      },
    },
    features: {
      type: 'object',
      properties: { nBuffers: { type: 'integer' }, nTables: { type: 'integer' }, auxiliaryId: { type: 'integer' }, capabilities: strList },
    },
    ports: { type: 'array', items: { $ref: 'Port#' } },
  },
} as const;
