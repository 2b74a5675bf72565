import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import type { OfLogger } from './options.js';

/** PEM text or Buffer, or a path to a PEM file (a string without "-----BEGIN"). */
/**
 * Connections the kernel may hold for accept() (capped by net.core.somaxconn). Node's default
 * of 511 overflows when thousands of switches connect at once (a controller restart): the
 * kernel then drops or resets handshakes and switches retry for seconds.
 */
const LISTEN_BACKLOG = 8192;

export type PemSource = string | Buffer;

export interface TlsListenerConfig {
  /** Our certificate chain. */
  cert: PemSource;
  key: PemSource;
  /** The CA(s) a switch certificate must chain to: switches without one are refused. */
  ca: PemSource | PemSource[];
}

export interface ListenerConfig {
  host: string;
  /** 0 picks a free port (see OpenFlowServer.addresses()). */
  port: number;
  tls?: TlsListenerConfig;
}

async function loadPem(cfg: ListenerConfig, what: string, src: PemSource): Promise<string | Buffer> {
  if (typeof src !== 'string' || src.includes('-----BEGIN')) return src;
  try {
    return await readFile(src);
  } catch (e) {
    throw new Error(`${describe(cfg)}: cannot read the TLS ${what} file ${src}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function describe(cfg: ListenerConfig): string {
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  return `${cfg.tls ? 'TLS ' : ''}OpenFlow listener ${host}:${cfg.port}`;
}

/** Translate listen errors into one clear sentence naming the listener. */
function listenError(cfg: ListenerConfig, err: NodeJS.ErrnoException): Error {
  const what =
    err.code === 'EADDRINUSE' ? 'address already in use'
    : err.code === 'EACCES' ? 'permission denied (ports under 1024 need privileges)'
    : err.code === 'EADDRNOTAVAIL' ? 'address not available on this host'
    : err.message;
  return new Error(`${describe(cfg)}: ${what}`, { cause: err });
}

/**
 * Open one listener. Plain TCP hands every socket to `onSocket`; TLS hands over only sockets
 * whose client certificate verified against the CA (requestCert + rejectUnauthorized), and
 * reports each refused client (a plain TCP client, a certificate from another CA ...) to
 * `onTlsRefused` (the server rate-limits its log line and counts it).
 */
export async function openListener(
  cfg: ListenerConfig,
  handshakeTimeoutMs: number,
  log: OfLogger,
  onSocket: (socket: net.Socket, tls: boolean) => void,
  onTlsRefused: (socket: tls.TLSSocket, err: NodeJS.ErrnoException) => void,
): Promise<net.Server> {
  let server: net.Server;
  if (cfg.tls) {
    const caList = Array.isArray(cfg.tls.ca) ? cfg.tls.ca : [cfg.tls.ca];
    const [cert, key, ...ca] = await Promise.all([
      loadPem(cfg, 'certificate', cfg.tls.cert),
      loadPem(cfg, 'key', cfg.tls.key),
      ...caList.map((c) => loadPem(cfg, 'CA', c)),
    ]);
    const tlsServer = tls.createServer({
      cert,
      key,
      ca,
      requestCert: true,
      rejectUnauthorized: true,
      handshakeTimeout: handshakeTimeoutMs,
    });
    tlsServer.on('secureConnection', (s) => onSocket(s, true));
    tlsServer.on('tlsClientError', (err: NodeJS.ErrnoException, s: tls.TLSSocket) => onTlsRefused(s, err));
    server = tlsServer;
  } else {
    server = net.createServer((s) => onSocket(s, false));
  }
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => reject(listenError(cfg, err));
    server.once('error', onError);
    server.listen({ host: cfg.host, port: cfg.port, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err) => log.error({ err }, `${describe(cfg)} failed`));
  return server;
}
