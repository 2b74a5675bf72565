#!/usr/bin/python3
"""
Traffic that must survive weft restarts, driven step by step over weftnet.control (commands on
stdin, `@@weft {json}` lines on stderr). Topology ring,4,2 (two hosts per switch); weft runs
table-miss, topology, l2-learning, routing (192.168.1.1/24, 203.0.113.100/24) and nat
(masquerade 192.168.1.0/24 -> 203.0.113.100), configured by the test.

  h1 (s1) 192.168.1.2 and h5 (s3) 192.168.1.4: inside hosts two switches apart;
  h2 (s1) 203.0.113.10: the outside server (on the router switch of h1's sessions, docs/NAT.md).

1. Wait for the switches and weft's link discovery, warm up (h1 <-> h5 pings, h1 to its
   gateway), then start two streams:
     - a ping from h1 to h5 every 20 ms (50/s), until `stop`;
     - a TCP transfer from h1 to the server through masquerade: 1 KiB every 5 ms (~200 KiB/s)
       until `stop`, then the server answers with the byte count it got.
   Emit `running` with the switches (name, dpid) once both streams flow.
2. Serve commands until `quit`: `stop` ends both streams and replies with the ping summary
   (sent, received) and the transfer (sent, received by the server, longest receive gap, error).

Options: rest=URL (weft's REST API, required), settle=S (default 3), idle=S (default 60).
"""
import os
import re
import signal
import sys
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from weftnet.control import commands, emit  # noqa: E402
from weftnet.l2 import ping_once, wait_discovery  # noqa: E402
from weftnet.l2_steps import quiet_ipv6, step_connect, tx_checksum_off  # noqa: E402
from weftnet.runner import run  # noqa: E402

SERVER_IP = '203.0.113.10'
PORT = 9100

# Counts bytes until EOF, answers with "count maxgap_ms", logs the peer address.
SERVER = r'''
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", %d)); s.listen(1)
print("listening", flush=True)
c, peer = s.accept()
print("peer", peer[0], flush=True)
n, gap, last = 0, 0.0, time.monotonic()
while True:
    d = c.recv(65536)
    now = time.monotonic()
    if not d:
        break
    if now - last > 0.3:
        print("gap %%.3f %%.3f" %% (time.time() - (now - last), now - last), flush=True)
    gap, last, n = max(gap, now - last), now, n + len(d)
c.sendall(("%%d %%d\n" %% (n, int(gap * 1000))).encode()); c.close()
print("done", n, flush=True)
''' % PORT

# Sends 1 KiB every 5 ms until the flag file exists, then reads the server's answer.
CLIENT = r'''
import os, socket, sys, time
flag = sys.argv[2]
try:
    s = socket.create_connection((sys.argv[1], %d), timeout=30)
    print("connected", flush=True)
    chunk, sent, t = b"w" * 1024, 0, time.monotonic()
    while not os.path.exists(flag):
        s.sendall(chunk); sent += len(chunk)
        t += 0.005
        time.sleep(max(0, t - time.monotonic()))
    s.shutdown(socket.SHUT_WR)
    print("result", sent, s.makefile().readline().strip(), flush=True)
except Exception as e:
    print("error %%r" %% e, flush=True)
''' % PORT


def ping_summary(proc):
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=10)
    m = re.search(r'(\d+) packets transmitted, (\d+) received', out.decode())
    return {'sent': int(m.group(1)), 'received': int(m.group(2))} if m else {'output': out.decode()[-300:]}


def transfer_result(client, flag):
    open(flag, 'w').close()
    out, _ = client.communicate(timeout=30)
    text = out.decode()
    m = re.search(r'^result (\d+) (\d+) (\d+)$', text, re.M)
    if not m:
        return {'error': text[-300:]}
    return {'sent': int(m.group(1)), 'received': int(m.group(2)), 'maxGapMs': int(m.group(3))}


def scenario(net, args, result):
    started = time.monotonic()
    if not args.options.get('rest'):
        result.fail('options', 'rest=URL is required')
        return
    h1, server, h5 = net.hosts[0], net.hosts[1], net.hosts[4]
    quiet_ipv6(net)
    h1.setIP('192.168.1.2', prefixLen=24)
    h5.setIP('192.168.1.4', prefixLen=24)
    server.setIP(SERVER_IP, prefixLen=24)
    for h in (h1, h5):
        h.cmd('ip route replace default via 192.168.1.1')
    server.cmd('ip route replace default via 203.0.113.100')
    # Translated TCP needs real checksums to rewrite (veth leaves them to offload).
    result.check('tx checksum offload off', all(tx_checksum_off(h) for h in (h1, server, h5)))
    if not step_connect(net, args, result):
        emit('failed', stage='connect')
        return
    links = wait_discovery(net, args, result, started)
    if links is None or len(links) != 8:
        emit('failed', stage='discovery', links=links)
        return
    deadline = time.monotonic() + 15
    while not (ping_once(h1, h5) and ping_once(h5, h1) and ping_once(h1, server)) and time.monotonic() < deadline:
        pass
    d = '/tmp/%s-restart' % args.prefix
    os.makedirs(d, exist_ok=True)
    for name, text in (('server.py', SERVER), ('client.py', CLIENT)):
        with open('%s/%s' % (d, name), 'w') as f:
            f.write(text)
    flag = d + '/stop'
    srv = server.popen(['/usr/bin/python3', '-u', d + '/server.py'])
    time.sleep(0.5)
    pinger = h1.popen(['ping', '-n', '-q', '-i', '0.02', '-W', '1', h5.IP()])
    client = h1.popen(['/usr/bin/python3', '-u', d + '/client.py', SERVER_IP, flag])
    try:
        line = client.stdout.readline().decode().strip()
        if not result.check('TCP through masquerade connected', line == 'connected', line):
            emit('failed', stage='transfer', client=line)
            return
        time.sleep(1)
        emit('running', switches=[{'name': s.name, 'dpid': s.dpid} for s in net.switches])
        served = []
        for verb, words in commands(float(args.options.get('idle', 60))):
            if verb == 'stop' and not words:
                ping = ping_summary(pinger)
                transfer = transfer_result(client, flag)
                out, _ = srv.communicate(timeout=10)
                peer = re.search(r'^peer (\S+)$', out.decode(), re.M)
                peer = peer.group(1) if peer else out.decode()[-200:]
                transfer['gaps'] = [[float(a), float(b)] for a, b in re.findall(r'^gap (\S+) (\S+)$', out.decode(), re.M)]
                reply = {'command': 'stop', 'ok': True, 'ping': ping, 'transfer': transfer, 'serverPeer': peer}
            else:
                reply = {'command': ' '.join([verb] + words), 'ok': False, 'error': 'unknown command'}
            served.append(reply)
            emit('reply', **reply)
        result.note('commands', served)
        result.check('commands served', bool(served) and all(c['ok'] for c in served), served)
    finally:
        for p in (pinger, client, srv):
            if p.poll() is None:
                p.kill()
                p.wait()


if __name__ == '__main__':
    run('restart', scenario)
