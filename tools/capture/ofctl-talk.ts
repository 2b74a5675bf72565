/**
 * A fake switch for ovs-ofctl: a TCP listener that answers what ovs-ofctl asks (`answer`) and
 * records every message it sends. `talk(args)` runs `ovs-ofctl -O OpenFlow13 CMD tcp:...:PORT
 * ARGS...` against it (extra options such as --bundle go before CMD).
 */
import { execFile } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { MiniFramer } from './of-bytes.js';

export interface OfctlTalk {
  talk(args: string[], options?: string[]): Promise<{ msgs: Buffer[]; stderr: string }>;
  close(): void;
}

export async function ofctlAsSwitch(answer: (m: Buffer) => Buffer | undefined): Promise<OfctlTalk> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const target = `tcp:127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    async talk([cmd, ...rest], options = []) {
      const msgs: Buffer[] = [];
      const onConn = (sock: Socket) => {
        const framer = new MiniFramer();
        sock.on('error', () => {});
        sock.on('data', (chunk) => {
          for (const m of framer.push(chunk)) {
            msgs.push(m);
            const a = answer(m);
            if (a) sock.write(a);
          }
        });
      };
      server.on('connection', onConn);
      const stderr = await new Promise<string>((resolve) => {
        execFile('ovs-ofctl', ['-O', 'OpenFlow13', ...options, cmd!, target, ...rest], { timeout: 4000 }, (_e, _out, err) => resolve(err));
      });
      server.off('connection', onConn);
      return { msgs, stderr };
    },
    close: () => server.close(),
  };
}
