// Preloaded into the benched weft (node --import): every 100 ms, one stderr line with the
// largest event-loop delay weft itself saw in that time. bench/hostile.ts reports the maximum
// over each row beside the echo round trips, which also carry the harness's own delays.
import { monitorEventLoopDelay } from 'node:perf_hooks';
const h = monitorEventLoopDelay({ resolution: 2 });
h.enable();
setInterval(() => {
  process.stderr.write(`[weft-loop] ${(h.max / 1e6).toFixed(1)}\n`);
  h.reset();
}, 100).unref();
