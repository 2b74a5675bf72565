import { Reader } from './protocol/wire/reader.js';
import { Writer } from './protocol/wire/writer.js';
import { decodeMatch, encodeMatch, buildMatch } from './protocol/openflow/match.js';
import { decodeActions, encodeActions, output } from './protocol/openflow/actions.js';
let n = 0;
const m = buildMatch({ in_port: 1, eth_type: 0x800, ip_proto: 6, ipv4_src: '10.0.0.1', tcp_dst: 80, eth_dst: '0a:1b:2c:3d:4e:5f' });
const w = new Writer(4096);
encodeMatch(w, m);
const big = Buffer.from(w.finish()); const r2 = new Reader(big);
const ab = Buffer.from('00000010000000030000000000000000', 'hex'); const r3 = new Reader(ab);
const acts = [output(3)];
function best(name: string, run: (N: number) => void) {
  let b = Infinity;
  for (let k = 0; k < 20; k++) { const N = 50_000; const t0 = process.hrtime.bigint(); run(N); b = Math.min(b, Number(process.hrtime.bigint() - t0) / N); }
  console.log(name, b.toFixed(1), 'ns');
}
best('encodeMatch 6', (N) => { for (let i = 0; i < N; i++) { w.pos = 0; encodeMatch(w, m); } });
best('decodeMatch 6', (N) => { for (let i = 0; i < N; i++) { r2.pos = 0; n += decodeMatch(r2).length; } });
best('decodeActions output', (N) => { for (let i = 0; i < N; i++) { r3.pos = 0; n += decodeActions(r3).length; } });
best('encodeActions output', (N) => { for (let i = 0; i < N; i++) { w.pos = 0; encodeActions(w, acts); } });
console.log(n > 0);
