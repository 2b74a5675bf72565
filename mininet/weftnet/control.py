"""
A control channel for scenarios that a test drives step by step while the network stays up.

Commands come in on stdin, one line each (`down s1 s2`, `quit` ...); the scenario's messages go
out on stderr as lines `@@weft {json}`, because stdout is reserved for the one result line and
Mininet's own logs share stderr (the marker tells them apart). End of input means the test is
gone: the scenario stops, and the runner's finally block still cleans up.

Every wait is bounded: `commands()` gives up after `idle_s` without a line, and the runner's
--timeout deadline (SIGALRM turned into an exception) interrupts the select() too.
"""
import json
import os
import select
import sys

MARKER = '@@weft '


def emit(kind, **payload):
    """One message to the test: {"kind": kind, ...payload} on its own stderr line."""
    payload['kind'] = kind
    line = MARKER + json.dumps(payload, sort_keys=True) + '\n'
    # os.write on the raw fd: nothing buffered behind Mininet's own stderr writes.
    os.write(2, line.encode())


def commands(idle_s):
    """Yield (verb, [args]) per stdin line until EOF, `quit`, or idle_s seconds with no line."""
    fd = sys.stdin.fileno()
    pending = b''
    while True:
        while b'\n' not in pending:
            ready, _, _ = select.select([fd], [], [], idle_s)
            if not ready:
                raise TimeoutError('no command from the test within %.0f s' % idle_s)
            chunk = os.read(fd, 4096)
            if not chunk:
                return
            pending += chunk
        line, pending = pending.split(b'\n', 1)
        words = line.decode().split()
        if not words:
            continue
        if words[0] == 'quit':
            return
        yield words[0], words[1:]

