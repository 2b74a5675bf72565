#!/usr/bin/python3
"""
Run a scenario by name: /usr/bin/python3 mininet/run_scenario.py NAME [scenario options].
Equivalent to running mininet/scenarios/NAME.py directly; `--list` prints the scenario names.
Run it with Debian's /usr/bin/python3 (Mininet is installed there), as root.
"""
import importlib
import os
import sys

sys.dont_write_bytecode = True  # keep __pycache__ out of the checkout

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def names():
    d = os.path.join(HERE, 'scenarios')
    return sorted(f[:-3] for f in os.listdir(d) if f.endswith('.py') and not f.startswith('_'))


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ('-h', '--help'):
        sys.stderr.write('usage: run_scenario.py NAME [options]  (NAME: %s)\n' % ', '.join(names()))
        sys.exit(2)
    if sys.argv[1] == '--list':
        print('\n'.join(names()))
        return
    name = sys.argv[1]
    if name not in names():
        sys.stderr.write('unknown scenario %r (known: %s)\n' % (name, ', '.join(names())))
        sys.exit(2)
    from weftnet.runner import run
    module = importlib.import_module('scenarios.%s' % name)
    run(name, module.scenario, sys.argv[2:], getattr(module, 'before_start', None))


if __name__ == '__main__':
    main()
