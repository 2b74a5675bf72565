import { readdirSync, readFileSync } from 'node:fs';
import { decode, encode } from '../protocol/index.js';
const dir = 'test/fixtures/openflow/';
for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
  const fx = JSON.parse(readFileSync(dir + f, 'utf8'));
  const b = Buffer.from(fx.hex, 'hex');
  try {
    const m = decode(b);
    let rt = '';
    try { rt = encode(m).toString('hex') === fx.hex ? 'RT-OK' : 'RT-DIFF'; } catch (e) { rt = 'ENC-ERR ' + (e as Error).message.slice(0, 80); }
    console.log(fx.name, 'OK', rt);
  } catch (e) { console.log(fx.name, 'ERR', (e as Error).message.slice(0, 100)); }
}
