// Reads the test log and prints the final "N passed, M failed" line; exits non-zero on failure.
import { readFileSync } from 'node:fs';

const [log, statusArg] = process.argv.slice(2);
const text = readFileSync(log, 'utf8');
const status = Number(statusArg);

// tap ends with a summary comment such as "# { total: 412, pass: 410, fail: 1, skip: 1 }";
// the last one in the log is the whole run's.
const last = [...text.matchAll(/^# \{ ([^}]*) \}\s*$/gm)].pop();
const counts = {};
for (const [, key, value] of (last?.[1] ?? '').matchAll(/(\w+): (\d+)/g)) counts[key] = Number(value);
const pass = counts.pass ?? 0;
let fail = counts.fail ?? 0;
const other = (counts.total ?? 0) - pass - fail; // skip + todo
// Type errors stop `npm test` before tap runs, and a crashed runner prints no summary: both fail.
if (status !== 0 && fail === 0) fail = 1;
if (!last) console.log('ci: no tap summary found in the log');
console.log(`${pass} passed, ${fail} failed${other > 0 ? ` (${other} skipped or todo)` : ''}`);
process.exit(status === 0 && fail === 0 ? 0 : 1);
