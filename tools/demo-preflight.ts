/**
 * What `npm run demo` needs from the machine, and which Debian packages provide what is missing.
 * Pure (the file test is injected) so that the hints can be tested without uninstalling anything.
 */

export interface Requirement {
  what: string;
  /** Any of these paths will do. */
  paths: string[];
  /** Debian packages that provide it. */
  packages: string[];
}

const SBIN = (name: string) => ['/usr/sbin', '/usr/local/sbin', '/usr/bin', '/usr/local/bin', '/sbin'].map((d) => `${d}/${name}`);

export const REQUIREMENTS: readonly Requirement[] = [
  { what: 'ovs-vswitchd', paths: SBIN('ovs-vswitchd'), packages: ['openvswitch-switch'] },
  { what: 'ovsdb-server', paths: SBIN('ovsdb-server'), packages: ['openvswitch-switch'] },
  { what: 'ovs-vsctl', paths: SBIN('ovs-vsctl'), packages: ['openvswitch-switch'] },
  { what: 'ovs-ofctl', paths: SBIN('ovs-ofctl'), packages: ['openvswitch-common'] },
  { what: 'ovs-appctl', paths: SBIN('ovs-appctl'), packages: ['openvswitch-common'] },
  { what: 'ovsdb-tool', paths: SBIN('ovsdb-tool'), packages: ['openvswitch-common'] },
  { what: "Open vSwitch's database schema", paths: ['/usr/share/openvswitch/vswitch.ovsschema'], packages: ['openvswitch-common'] },
  { what: 'Python 3 (/usr/bin/python3)', paths: ['/usr/bin/python3'], packages: ['python3'] },
  { what: "Mininet's Python package", paths: ['/usr/lib/python3/dist-packages/mininet/net.py', '/usr/local/lib/python3/dist-packages/mininet/net.py'], packages: ['mininet'] },
  { what: 'mnexec', paths: ['/usr/bin/mnexec', '/usr/local/bin/mnexec'], packages: ['mininet'] },
  { what: 'ping', paths: ['/usr/bin/ping', '/bin/ping'], packages: ['iputils-ping'] },
];

export interface Preflight {
  missing: string[];
  packages: string[];
  /** Empty when everything is there; otherwise what to tell the user. */
  message: string;
}

export function preflight(exists: (path: string) => boolean, isRoot: boolean): Preflight {
  const missing = REQUIREMENTS.filter((r) => !r.paths.some(exists));
  const packages = [...new Set(missing.flatMap((r) => r.packages))];
  const lines: string[] = [];
  if (missing.length > 0) {
    lines.push(`The demo needs Open vSwitch and Mininet. Missing: ${missing.map((r) => r.what).join(', ')}.`);
    lines.push(`On Debian or Ubuntu: sudo apt-get install ${packages.join(' ')}`);
  }
  if (!isRoot) lines.push('The demo must run as root (Open vSwitch daemons, veth pairs and network namespaces): sudo npm run demo');
  return { missing: missing.map((r) => r.what), packages, message: lines.join('\n') };
}
