#!/usr/bin/env -S node --max-semi-space-size=64
/** The `weft` command: parse argv and environment, run until a signal, exit with main's code. */
import { main } from './main.js';

const code = await main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
});
// Let pending writes (logs, stderr) drain before exiting.
process.exitCode = code;
setTimeout(() => process.exit(code), 50).unref();
