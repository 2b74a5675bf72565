"""
Run one scenario: parse arguments, build the network with weft as the remote controller, call the
scenario, print ONE JSON line, exit 0 when every check passed and 1 otherwise (2 for bad usage).

SIGTERM (a test runner's timeout) and SIGHUP are turned into an exception so that net.stop() in
the finally block removes the bridges and veths; a scenario-level deadline (--timeout) does the
same from inside. Mininet's own output goes to stderr; stdout carries only the result line.
"""
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import traceback

from mininet.log import setLogLevel
from mininet.net import Mininet
from mininet.node import RemoteController

from .checks import Result, reset_shells
from .switch import switch_class
from .topos import parse_spec, make_topo


class Terminated(Exception):
    """Raised from a signal handler or the deadline alarm."""


def _raise(signum, _frame):
    raise Terminated('signal %d' % signum if signum != signal.SIGALRM else 'scenario deadline passed')


def parse_args(argv, name):
    p = argparse.ArgumentParser(prog=name, description='weft Mininet scenario %s' % name)
    p.add_argument('--controller', default='127.0.0.1:6653', help='HOST:PORT of weft (tcp)')
    p.add_argument('--topo', default='single,3', help='single,N | linear,N | tree,D,F | ring,N[,H] | torus,R,C')
    p.add_argument('--prefix', default=None, help='node name prefix: a letter and up to 4 hex digits (random if omitted)')
    p.add_argument('--datapath', default='netdev', choices=('netdev', 'dummy'), help='bridge datapath_type')
    p.add_argument('--timeout', type=float, default=60.0, help='seconds before the scenario gives up')
    p.add_argument('--connect-timeout', type=float, default=15.0, help='seconds to wait for switches to connect')
    p.add_argument('--option', action='append', default=[], metavar='KEY=VALUE', help='scenario-specific option')
    p.add_argument('--verbose', action='store_true', help='Mininet info logs on stderr')
    args = p.parse_args(argv)
    if args.prefix is None:
        args.prefix = 'w%03x' % (int.from_bytes(os.urandom(2), 'big') & 0xfff)
    if not re.match(r'^[a-z][0-9a-f]{1,4}$', args.prefix):
        p.error('--prefix must be a letter and 1-4 hex digits, got %r' % args.prefix)
    m = re.match(r'^(.+):(\d+)$', args.controller)
    if not m:
        p.error('--controller must be HOST:PORT')
    # Open vSwitch wants an address in its target: resolve names (e.g. the compose service 'weft').
    try:
        args.controller_ip = socket.gethostbyname(m.group(1))
    except OSError as e:
        p.error('--controller: cannot resolve %s: %s' % (m.group(1), e))
    args.controller_port = int(m.group(2))
    try:
        args.topo_spec = parse_spec(args.topo)
    except ValueError as e:
        p.error(str(e))
    args.options = dict(o.split('=', 1) if '=' in o else (o, 'true') for o in args.option)
    return args


def _leftovers(prefix):
    """Bridges and links of this run still present after net.stop() (should be none)."""
    out = subprocess.run(['ovs-vsctl', '--timeout=5', 'list-br'], capture_output=True, text=True).stdout.split()
    links = subprocess.run(['ip', '-o', 'link', 'show'], capture_output=True, text=True).stdout
    names = re.findall(r'^\d+: ([^:@]+)', links, re.M)
    return [b for b in out if b.startswith(prefix)], [n for n in names if n.startswith(prefix)]


def _cleanup(prefix, result):
    """Belt and braces after net.stop(): remove anything of ours that survived, and say so."""
    bridges, links = _leftovers(prefix)
    for b in bridges:
        subprocess.run(['ovs-vsctl', '--timeout=5', '--if-exists', 'del-br', b], capture_output=True)
    for n in links:
        subprocess.run(['ip', 'link', 'del', n], capture_output=True)
    if bridges or links:
        result.note('leftovers', {'bridges': bridges, 'links': links})


def run(name, scenario, argv=None, before_start=None):
    """
    Entry point of every scenario module: scenario(net, args, result) adds checks to result.
    before_start(net, args, result), when given, runs once the links exist and before the
    switches start (and connect to weft): what must be in place before discovery begins. What
    it returns, if callable, runs after net.stop() (to remove what it added).
    """
    args = parse_args(sys.argv[1:] if argv is None else argv, name)
    setLogLevel('info' if args.verbose else 'warning')
    # Mininet prints to stdout in places; keep stdout for the one JSON line.
    real_stdout = os.dup(1)
    os.dup2(2, 1)
    result = Result(name, args)
    started = time.monotonic()
    net = None
    undo = None
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGALRM):
        signal.signal(sig, _raise)
    signal.setitimer(signal.ITIMER_REAL, args.timeout)
    try:
        if os.geteuid() != 0:
            raise RuntimeError('Mininet needs root')
        topo = make_topo(args.topo, args.prefix)
        net = Mininet(
            topo=topo,
            switch=switch_class(args.datapath),
            controller=None,
            autoSetMacs=True,
            build=False,
            waitConnected=False,
        )
        net.addController(RemoteController('%sc0' % args.prefix, ip=args.controller_ip, port=args.controller_port))
        net.build()
        if before_start is not None:
            undo = before_start(net, args, result)
        net.start()
        scenario(net, args, result)
    except Terminated as e:
        result.fail('terminated', str(e))
        # Where it was stuck: the innermost frames when the signal or deadline hit.
        result.note('terminatedAt', ['%s:%d %s' % (os.path.basename(f.filename), f.lineno, f.name) for f in traceback.extract_tb(e.__traceback__)[-6:]])
    except Exception as e:  # noqa: BLE001 - every failure becomes a JSON result
        result.fail('exception', '%s: %s' % (type(e).__name__, e))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        # A second SIGTERM during cleanup must not abort net.stop().
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        if net is not None:
            try:
                reset_shells(net)
                net.stop()
            except Exception as e:  # noqa: BLE001
                result.fail('net.stop', '%s: %s' % (type(e).__name__, e))
        if callable(undo):
            try:
                undo()
            except Exception as e:  # noqa: BLE001
                result.fail('undo before_start', '%s: %s' % (type(e).__name__, e))
        _cleanup(args.prefix, result)
        result.elapsed_ms = int((time.monotonic() - started) * 1000)
        sys.stdout.flush()
        os.dup2(real_stdout, 1)
        sys.stdout.write(json.dumps(result.to_json(), sort_keys=True) + '\n')
        sys.stdout.flush()
    sys.exit(0 if result.ok else 1)
