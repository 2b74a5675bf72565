import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Certificates made with the openssl CLI: CA "A" signs the controller's certificate and a switch
 * certificate; CA "B" signs a second switch certificate that must be refused.
 */
export function makePki(dir: string): Record<string, string> {
  const cnf = join(dir, 'openssl.cnf');
  writeFileSync(
    cnf,
    [
      '[req]',
      'distinguished_name = dn',
      'prompt = no',
      '[dn]',
      'CN = unused',
      '[ca_ext]',
      'basicConstraints = critical, CA:TRUE',
      'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash',
      '[server_ext]',
      'basicConstraints = CA:FALSE',
      'subjectAltName = IP:127.0.0.1',
      'extendedKeyUsage = serverAuth',
      '[client_ext]',
      'basicConstraints = CA:FALSE',
      'extendedKeyUsage = clientAuth',
      '',
    ].join('\n'),
  );
  const ssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const key = (name: string): void => ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  for (const ca of ['caA', 'caB']) {
    key(ca);
    ssl('req', '-config', cnf, '-new', '-x509', '-key', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=weft test ${ca}`, '-extensions', 'ca_ext');
  }
  const issue = (name: string, ca: string, cn: string, ext: string): void => {
    key(name);
    ssl('req', '-config', cnf, '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', cnf, '-extensions', ext);
  };
  issue('server', 'caA', '127.0.0.1', 'server_ext');
  issue('switchA', 'caA', 'switch-a', 'client_ext');
  issue('switchB', 'caB', 'switch-b', 'client_ext');
  const out: Record<string, string> = {};
  for (const n of ['caA', 'caB', 'server', 'switchA', 'switchB']) {
    out[`${n}.crt`] = join(dir, `${n}.crt`);
    out[`${n}.key`] = join(dir, `${n}.key`);
  }
  return out;
}
