import { spawnSync } from 'node:child_process';

/**
 * The independent oracle: Open vSwitch's `ovs-ofctl ofp-print HEX`. Returns its text, or throws
 * when it could not decode the message. ovs-ofctl exits 0 even on bad input; it marks failures
 * in stdout with "***" ("***decode error: OFPBRC_BAD_LEN***", "(***truncated to ...***)",
 * "(***only uses N bytes out of M***)") and logs "|WARN|" lines on stderr for lengths it rejects.
 */
export function ofpPrint(buf: Uint8Array): string {
  const hex = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('hex');
  const res = spawnSync('ovs-ofctl', ['ofp-print', hex], { encoding: 'utf8', timeout: 10_000 });
  if (res.error) throw res.error;
  const out = res.stdout ?? '';
  const err = res.stderr ?? '';
  if (res.status !== 0 || out.includes('***') || /\|(WARN|ERR|EMER)\|/.test(err)) {
    throw new Error(`ovs-ofctl ofp-print rejected ${hex}:\n${out}${err}`);
  }
  return out;
}
