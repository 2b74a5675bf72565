/**
 * The V8 flags weft is meant to run with. A larger young generation (semi-space) means fewer
 * scavenges under a packet-in storm, and fewer short-lived objects promoted by accident: ~6% less
 * CPU per PACKET_IN and 5-10% more responses/s under ofbench (docs/BENCHMARKS.md). V8 sizes its
 * heap when the process starts, so these cannot be set from inside weft: every launcher we ship
 * passes them (the shebang of src/cli.ts, `npm start`, the Dockerfile, docker-compose.yml and
 * the benchmark), and test/deploy/node-flags.test.ts keeps them all the same as this list.
 * The semi-space grows only as far as the load needs it: an idle weft's memory is unchanged.
 */
export const NODE_FLAGS: readonly string[] = Object.freeze(['--max-semi-space-size=64']);
