/**
 * startWeft in the test process on ports that were free a moment ago (freePort). Between that
 * moment and weft's listen, another test's outgoing connection can take the same port number
 * from the kernel's ephemeral range: a start that fails with EADDRINUSE is tried again on new
 * ports (the config is rebuilt by the caller's function).
 */
import type { WeftConfig } from '../../src/config/schema.js';
import { startWeft } from '../../src/main.js';
import type { StartOptions, Weft } from '../../src/main.js';
import { freePort } from './weft-process.js';

export interface FreePorts {
  openflow: number;
  rest: number;
}

export async function startWeftOnFreePorts(configFor: (ports: FreePorts) => WeftConfig, opts: StartOptions, attempts = 4): Promise<{ weft: Weft; ports: FreePorts }> {
  for (let i = 1; ; i++) {
    const ports = { openflow: await freePort(), rest: await freePort() };
    try {
      return { weft: await startWeft(configFor(ports), opts), ports };
    } catch (e) {
      const inUse = (e as { cause?: { code?: string } }).cause?.code === 'EADDRINUSE' || (e as { code?: string }).code === 'EADDRINUSE' || /address already in use/.test((e as Error).message);
      if (!inUse || i >= attempts) throw e;
    }
  }
}
