import fs from 'node:fs';
import path from 'node:path';
import selfsigned from 'selfsigned';

export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * A self-signed serving certificate for localhost. kubectl (client-go) never
 * sends a bearer token over plain HTTP, so the simulator speaks HTTPS like a
 * real apiserver; clients trust this certificate as their CA.
 */
// generating a 2048-bit key takes a second or two: one per process is enough
let generated: TlsMaterial | undefined;

export function loadOrCreateTls(dir?: string): TlsMaterial {
  const certFile = dir && path.join(dir, 'ca.crt');
  const keyFile = dir && path.join(dir, 'tls.key');
  if (
    certFile &&
    keyFile &&
    fs.existsSync(certFile) &&
    fs.existsSync(keyFile)
  ) {
    return {
      cert: fs.readFileSync(certFile, 'utf8'),
      key: fs.readFileSync(keyFile, 'utf8'),
    };
  }
  if (!dir && generated) return generated;
  const pems = selfsigned.generate(
    [{ name: 'commonName', value: 'kubevirt-simulator' }],
    {
      days: 3650,
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: true },
        {
          name: 'keyUsage',
          keyCertSign: true,
          digitalSignature: true,
          keyEncipherment: true,
        },
        { name: 'extKeyUsage', serverAuth: true },
        {
          name: 'subjectAltName',
          altNames: [
            { type: 2, value: 'localhost' },
            { type: 7, ip: '127.0.0.1' },
            { type: 7, ip: '::1' },
          ],
        },
      ],
    },
  );
  const material = { cert: pems.cert, key: pems.private };
  if (!dir) generated = material;
  if (certFile && keyFile) {
    fs.mkdirSync(dir!, { recursive: true });
    fs.writeFileSync(certFile, material.cert);
    fs.writeFileSync(keyFile, material.key, { mode: 0o600 });
  }
  return material;
}
