/**
 * Captures real OpenFlow 1.3 bytes from Open vSwitch into test/fixtures/openflow/*.json.
 * Run: npx tsx tools/capture-fixtures.ts
 * Both directions run against a private OVS instance (test/support/ovs.ts); see docs/TESTING.md.
 * The to-switch half replays the table-features reply recorded by the from-switch half.
 */
import { FixtureSet } from './capture/fixture-file.js';
import { captureFromSwitch } from './capture/from-switch.js';
import { captureToSwitch } from './capture/to-switch.js';

const fx = new FixtureSet();
const tableFeatures = await captureFromSwitch(fx);
await captureToSwitch(fx, tableFeatures);
fx.write();
console.log(`\n${fx.fixtures.size} fixtures written.`);
if (fx.missing.length) console.log(`Not captured:\n  ${fx.missing.join('\n  ')}`);
