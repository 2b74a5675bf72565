"""
Topologies named by a spec string, with run-unique node names.

Spec: single,N | linear,N | tree,DEPTH,FANOUT | ring,N[,HOSTS] | torus,ROWS,COLS
(ring,N,HOSTS: HOSTS hosts on every switch of the ring, default 1)
Every switch and host name starts with the run's prefix (e.g. 'w3f1s2', 'w3f1h2') so that bridge
names, veth names and anything left behind by a crashed run never collide with another run.
Datapath ids are set explicitly (Mininet would derive them from the first number in the name,
which the prefix breaks): the prefix's hex value in the upper bits, the switch index below.
"""
from mininet.topo import Topo

KINDS = ('single', 'linear', 'tree', 'ring', 'torus')


class NamedTopo(Topo):
    """A Topo whose nodes carry the run prefix; subclasses call sw()/host()."""

    def build(self, prefix='', spec=None, **_opts):
        self.prefix = prefix
        self.spec = spec
        self._nsw = 0
        self._nhost = 0
        kind, nums = spec
        BUILDERS[kind](self, *nums)

    def sw(self):
        self._nsw += 1
        base = int(self.prefix[1:], 16) if len(self.prefix) > 1 else 0
        dpid = '%016x' % ((base << 16) | self._nsw)
        return self.addSwitch('%ss%d' % (self.prefix, self._nsw), dpid=dpid)

    def host(self, switch):
        self._nhost += 1
        h = self.addHost('%sh%d' % (self.prefix, self._nhost))
        self.addLink(h, switch)
        return h


def _single(t, n):
    s = t.sw()
    for _ in range(n):
        t.host(s)


def _linear(t, n):
    prev = None
    for _ in range(n):
        s = t.sw()
        t.host(s)
        if prev:
            t.addLink(prev, s)
        prev = s


def _tree(t, depth, fanout):
    def grow(level):
        s = t.sw()
        for _ in range(fanout):
            child = grow(level + 1) if level < depth else None
            if child:
                t.addLink(s, child)
            else:
                t.host(s)
        return s
    grow(1)


def _ring(t, n, hosts=1):
    switches = [t.sw() for _ in range(n)]
    for s in switches:
        for _ in range(hosts):
            t.host(s)
    for i in range(n):
        if n > 2 or i == 0:
            t.addLink(switches[i], switches[(i + 1) % n])


def _torus(t, rows, cols):
    grid = [[t.sw() for _ in range(cols)] for _ in range(rows)]
    for row in grid:
        for s in row:
            t.host(s)
    for r in range(rows):
        for c in range(cols):
            t.addLink(grid[r][c], grid[r][(c + 1) % cols])
            t.addLink(grid[r][c], grid[(r + 1) % rows][c])


BUILDERS = {'single': _single, 'linear': _linear, 'tree': _tree, 'ring': _ring, 'torus': _torus}
ARITY = {'single': (1,), 'linear': (1,), 'tree': (2,), 'ring': (1, 2), 'torus': (2,)}
MINIMUM = {'single': (1,), 'linear': (1,), 'tree': (1, 1), 'ring': (3, 1), 'torus': (3, 3)}


def parse_spec(text):
    """'tree,2,3' -> ('tree', (2, 3)); raises ValueError with a readable message."""
    parts = [p.strip() for p in text.split(',')]
    kind = parts[0]
    if kind not in BUILDERS:
        raise ValueError('unknown topology %r (expected one of %s)' % (kind, ', '.join(KINDS)))
    try:
        nums = tuple(int(p) for p in parts[1:])
    except ValueError:
        raise ValueError('topology %r: sizes must be integers' % text)
    if len(nums) not in ARITY[kind]:
        raise ValueError('topology %r: %s takes %s size(s)' % (text, kind, ' or '.join(map(str, ARITY[kind]))))
    # Ring and torus below 3 would create duplicate links between the same two switches.
    if any(n < m for n, m in zip(nums, MINIMUM[kind])):
        raise ValueError('topology %r: sizes must be at least %s' % (text, ','.join(map(str, MINIMUM[kind]))))
    return kind, nums


def make_topo(text, prefix):
    return NamedTopo(prefix=prefix, spec=parse_spec(text))
