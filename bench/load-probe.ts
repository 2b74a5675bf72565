/**
 * Responsiveness under load: while ofbench hammers weft, one emulated switch (its own
 * connection and datapath id) sends an ECHO_REQUEST every `intervalMs` and times the reply,
 * and GET /health is timed the same way over HTTP. Both go through the same event loop as the
 * packet-ins, so their round trips show how long weft holds it per turn.
 */
import { request } from 'node:http';
import { EmuSwitch } from './emu-switch.js';
import { summarize } from './machine.js';

export interface ProbeStats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  /** Echo: requests unanswered when the probe stopped. Health: requests that failed or timed out. */
  lost: number;
}

export interface LoadProbe {
  /** Start sampling (the side switch must be up). */
  start(): void;
  stop(): { echo: ProbeStats; health: ProbeStats };
  close(): void;
}

function healthOnce(port: number, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    // A fresh connection each time (agent: false), as a monitoring system's probe would be.
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? performance.now() - t0 : NaN));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(NaN));
    req.end();
  });
}

export async function startLoadProbe(ofPort: number, restPort: number, opts: { dpid?: bigint; intervalMs?: number } = {}): Promise<LoadProbe> {
  const sw = new EmuSwitch({ port: ofPort, dpid: opts.dpid ?? 0xec40000000n, index: 9999 });
  await sw.up(15_000);
  const interval = opts.intervalMs ?? 10;
  let echoTimer: NodeJS.Timeout | undefined;
  let healthTimer: NodeJS.Timeout | undefined;
  let healthSamples: number[] = [];
  let healthLost = 0;
  let inFlight = 0;
  let echoFrom = 0;
  return {
    start() {
      echoFrom = sw.echoRtts.length;
      echoTimer = setInterval(() => sw.echo(), interval);
      healthTimer = setInterval(() => {
        // One health request at a time; a slow one delays the next rather than piling up.
        if (inFlight > 0) return;
        inFlight++;
        void healthOnce(restPort, 5000).then((ms) => {
          inFlight--;
          if (Number.isNaN(ms)) healthLost++;
          else healthSamples.push(ms);
        });
      }, interval * 5);
    },
    stop() {
      clearInterval(echoTimer);
      clearInterval(healthTimer);
      const echo = { ...summarize(sw.echoRtts.slice(echoFrom)), lost: sw.echoOutstanding };
      // The one request possibly still in flight when the run ends is not a failure.
      const health = { ...summarize(healthSamples), lost: healthLost };
      healthSamples = [];
      return { echo, health };
    },
    close() {
      sw.close();
    },
  };
}
