#!/usr/bin/python3
"""
The Mininet half of `npm run demo` (scripts/demo.ts starts Open vSwitch and weft first):
build a topology with a loop against weft, wait for weft to discover it, pingall, print the
switches, links and hosts weft knows (from its REST API), then open the Mininet CLI, or with
--batch stop and exit 1 on any ping loss.

The network is always torn down: net.stop() runs in a finally block, and SIGTERM/SIGHUP are
turned into an exception so that it still runs when the demo is stopped from outside.
"""
import argparse
import json
import os
import signal
import sys
import time
import urllib.request

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mininet.cli import CLI  # noqa: E402
from mininet.log import setLogLevel  # noqa: E402
from mininet.net import Mininet  # noqa: E402
from mininet.node import RemoteController  # noqa: E402

from weftnet.checks import reset_shells, wait_connected  # noqa: E402
from weftnet.l2 import tx_checksum_off  # noqa: E402
from weftnet.switch import switch_class  # noqa: E402
from weftnet.topos import make_topo  # noqa: E402


class Stop(Exception):
    pass


def _stop(signum, _frame):
    raise Stop('signal %d' % signum)


def get(rest, path):
    """JSON from weft's REST API, or None (and a line saying why) when it cannot answer."""
    try:
        with urllib.request.urlopen(rest + path, timeout=5) as r:
            return json.loads(r.read().decode())
    except Exception as e:  # noqa: BLE001 - e.g. 503 without the topology app
        print('*** GET %s: %s' % (path, e))
        return None


def port_names(net):
    """(dpid, OpenFlow port number) -> interface name, e.g. ('0000000000000d0001', 2) -> 'd5s1-eth2'."""
    out = {}
    for s in net.switches:
        for intf, no in s.ports.items():
            out[(s.dpid, no)] = intf.name
    return out


def wait_discovery(net, rest, started, settle_s, timeout_s=30):
    """
    Until weft reports every link both ways, and the topology app's settle time has passed
    since the switches started. Returns (links known, links wanted, seconds since start).
    """
    names = {s.name for s in net.switches}
    want = 2 * sum(1 for l in net.links if l.intf1.node.name in names and l.intf2.node.name in names)
    links = []
    while time.monotonic() - started < timeout_s:
        links = get(rest, '/api/v1/topology/links')
        if links is None or len(links) == want:
            break
        time.sleep(0.25)
    took = time.monotonic() - started
    if took < settle_s:
        time.sleep(settle_s - took)
    return len(links or []), want, took


def show_topology(net, rest):
    names = port_names(net)
    by_dpid = {s.dpid: s.name for s in net.switches}
    switches = get(rest, '/api/v1/switches') or []
    print('\nweft knows %d switches:' % len(switches))
    for s in switches:
        print('  %-8s dpid %s  %d ports  %s' % (by_dpid.get(s['dpid'], '?'), s['dpid'], s['nPorts'], s.get('software') or ''))
    links = get(rest, '/api/v1/topology/links') or []
    print('\n%d links (each direction learned from LLDP):' % len(links))
    for l in sorted(links, key=lambda l: (l['src']['dpid'], l['src']['port'])):
        a, b = l['src'], l['dst']
        print('  %s -> %s' % (names.get((a['dpid'], a['port']), '%s:%d' % (a['dpid'], a['port'])), names.get((b['dpid'], b['port']), '%s:%d' % (b['dpid'], b['port']))))
    hosts = get(rest, '/api/v1/topology/hosts') or []
    print('\n%d hosts:' % len(hosts))
    for h in sorted(hosts, key=lambda h: h['mac']):
        where = names.get((h['dpid'], h['port']), '%s:%d' % (h['dpid'], h['port']))
        print('  %s  %-15s on %s  %s' % (h['mac'], ', '.join(h['ipv4']) or '-', where, ', '.join(h['ipv6'])))
    print()


def main():
    p = argparse.ArgumentParser(description='weft demo: a Mininet topology with a loop against weft')
    p.add_argument('--controller', required=True, help='HOST:PORT of weft')
    p.add_argument('--rest', required=True, help='weft REST base URL, e.g. http://127.0.0.1:8080')
    p.add_argument('--topo', default='ring,4')
    p.add_argument('--prefix', default='d0')
    p.add_argument('--datapath', default='dummy', choices=('netdev', 'dummy'))
    p.add_argument('--settle', type=float, default=8.0, help='seconds before the first pingall (the topology app floods new ports once settled)')
    p.add_argument('--batch', action='store_true', help='no CLI: stop after pingall, exit 1 on any loss')
    args = p.parse_args()
    host, port = args.controller.rsplit(':', 1)
    setLogLevel('info')
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _stop)
    net = None
    code = 1
    try:
        net = Mininet(topo=make_topo(args.topo, args.prefix), switch=switch_class(args.datapath), controller=None,
                      autoSetMacs=True, build=False, waitConnected=False)
        net.addController(RemoteController('%sc0' % args.prefix, ip=host, port=int(port)))
        net.build()
        started = time.monotonic()
        net.start()
        # So that TCP (iperf in the CLI) works over the userspace datapath (see weftnet/l2.py).
        for h in net.hosts:
            tx_checksum_off(h)
        late = wait_connected(net, 20)
        if late:
            print('*** switches that did not connect to weft: %s' % ', '.join(late))
            return 1
        print('*** waiting for weft to discover the links (LLDP) ...')
        got, want, took = wait_discovery(net, args.rest, started, args.settle)
        print('*** weft knows %d of %d directed links, %.1f s after the switches started' % (got, want, took))
        loss = net.pingAll(timeout='2')
        show_topology(net, args.rest)
        if args.batch:
            print('*** batch mode: %g%% loss' % loss)
            code = 0 if loss == 0 and got == want else 1
        else:
            s1, s2 = net.switches[0].name, net.switches[1].name
            h1, h2 = net.hosts[0].name, net.hosts[1].name
            print('Try:  pingall | %s ping -c3 %s | link %s %s down | pingall | link %s %s up | iperf %s %s'
                  % (h1, h2, s1, s2, s1, s2, h1, h2))
            print('      sh curl -s %s/api/v1/topology/links | sh curl -s %s/metrics | exit (or Ctrl-D) to stop\n' % (args.rest, args.rest))
            CLI(net)
            code = 0
    except Stop as e:
        print('*** stopping: %s' % e)
        code = 1
    except KeyboardInterrupt:
        print('*** interrupted')
        code = 1
    finally:
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        if net is not None:
            reset_shells(net)
            net.stop()
    return code


if __name__ == '__main__':
    sys.exit(main())
