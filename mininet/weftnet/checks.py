"""
The result of a scenario (named checks, each ok or not, with details) and checks that several
scenarios share: switches connected to weft, the table-miss flow present, interrupted shells reset.
"""
import re
import time

TABLE_MISS = re.compile(r'\bpriority=0 actions=CONTROLLER:65535\b')


class Result:
    def __init__(self, name, args):
        self.name = name
        self.args = args
        self.checks = []
        self.notes = {}
        self.elapsed_ms = 0

    def check(self, name, ok, detail=None):
        self.checks.append({'name': name, 'ok': bool(ok), 'detail': detail})
        return bool(ok)

    def fail(self, name, detail):
        return self.check(name, False, detail)

    def note(self, key, value):
        self.notes[key] = value

    def time_checks(self, started):
        """Note when each check finishes (seconds since `started`) as checkAtS: where the time goes."""
        at = {}
        self.note('checkAtS', at)
        check = self.check

        def timed(name, ok, detail=None):
            at[name] = round(time.monotonic() - started, 1)
            return check(name, ok, detail)
        self.check = timed

    @property
    def ok(self):
        return bool(self.checks) and all(c['ok'] for c in self.checks)

    def to_json(self):
        return {
            'scenario': self.name,
            'ok': self.ok,
            'topo': self.args.topo,
            'prefix': self.args.prefix,
            'controller': self.args.controller,
            'checks': self.checks,
            'notes': self.notes,
            'elapsedMs': self.elapsed_ms,
        }


def wait_connected(net, timeout_s, delay_s=0.25):
    """Poll each switch's Controller is_connected until all are connected or the time is up."""
    deadline = time.monotonic() + timeout_s
    remaining = list(net.switches)
    while remaining and time.monotonic() < deadline:
        remaining = [s for s in remaining if not s.connected()]
        if remaining:
            time.sleep(delay_s)
    return [s.name for s in remaining]


def flows(switch):
    """The switch's flow table as ovs-ofctl prints it, one string per flow, stats stripped."""
    out = switch.cmd('ovs-ofctl -O OpenFlow13 dump-flows %s' % switch.name)
    keep = []
    for line in out.splitlines():
        line = line.strip()
        if not line or line.startswith('OFPST_FLOW') or 'actions=' not in line:
            continue
        # Drop counters and durations that change from one dump to the next.
        line = re.sub(r'\b(cookie|duration|n_packets|n_bytes|idle_age|hard_age)=[^ ,]+,? ?', '', line)
        keep.append(line.strip().rstrip(','))
    return keep


def switch_facts(switch):
    return {
        'name': switch.name,
        'dpid': switch.dpid,
        'ports': sorted(i.name for i in switch.intfList() if i.name != 'lo'),
        'connected': switch.connected(),
        'flows': flows(switch),
    }


def check_connected_with_table_miss(net, args, result):
    """Every switch connected to weft, and every switch has weft's table-miss flow."""
    late = wait_connected(net, args.connect_timeout)
    result.check('switches connected', not late, {'notConnected': late} if late else None)
    facts = [switch_facts(s) for s in net.switches]
    result.note('switches', facts)
    # Flow-mods follow the handshake by a few milliseconds: give them a bounded moment (none
    # when a switch never connected: nothing will arrive).
    deadline = time.monotonic() + (0 if late else 5)
    missing = [f['name'] for f in facts if not any(TABLE_MISS.search(x) for x in f['flows'])]
    while missing and time.monotonic() < deadline:
        time.sleep(0.2)
        facts = [switch_facts(s) for s in net.switches]
        result.note('switches', facts)
        missing = [f['name'] for f in facts if not any(TABLE_MISS.search(x) for x in f['flows'])]
    result.check('table-miss flow on every switch', not missing, {'missing': missing} if missing else None)
    return facts


def reset_shells(net):
    """After an interrupt, a node may be mid-command; Mininet asserts on that in net.stop()."""
    for node in list(net.hosts) + list(net.switches) + list(net.controllers):
        if getattr(node, 'waiting', False) and getattr(node, 'shell', None):
            try:
                node.sendInt()
                node.monitor(timeoutms=1000)
            except Exception:  # noqa: BLE001
                pass
            node.waiting = False


def stop_procs(procs, wait_s=3):
    """Terminate processes a scenario started in its hosts (by their Popen), kill the stubborn."""
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=wait_s)
        except Exception:  # noqa: BLE001
            p.kill()
