// Reads the test log and prints the final "N passed, M failed" line; exits non-zero on failure.
import { readFileSync } from 'node:fs';

const [log, statusArg] = process.argv.slice(2);
const text = readFileSync(log, 'utf8');
const status = Number(statusArg);
let pass = 0;
let fail = 0;
// tap's summary comment: "# { total: 31, pass: 30, fail: 1 }"
const m = [...text.matchAll(/# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/g)].pop();
if (m) {
  pass = Number(m[2]);
  fail = Number(m[3] ?? 0) + (Number(m[1]) - Number(m[2]) - Number(m[3] ?? 0) > 0 ? 0 : 0);
}
if (status !== 0 && fail === 0) fail = 1; // type errors or a crashed runner count as a failure
console.log(`${pass} passed, ${fail} failed`);
process.exit(status === 0 && fail === 0 ? 0 : 1);
