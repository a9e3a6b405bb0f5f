/**
 * The embedded default needs a token secret and a bootstrap API key without asking the user:
 * unset ones are generated once and kept in DATA_DIR/secrets.json (mode 0600), so links in
 * earlier emails and the printed key keep working after a restart.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config';

export interface EmbeddedSecrets {
  tokenSecret: string;
  bootstrapApiKey: string;
}

export function embeddedSecrets(config: AppConfig): EmbeddedSecrets {
  const file = join(config.dataDir, 'secrets.json');
  let stored: Partial<EmbeddedSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<EmbeddedSecrets>;
  // Only generated values are written; secrets given in the environment never reach the disk.
  const generated: Partial<EmbeddedSecrets> = {
    tokenSecret: stored.tokenSecret ?? randomBytes(32).toString('base64url'),
    bootstrapApiKey: stored.bootstrapApiKey ?? `okr_${randomBytes(24).toString('base64url')}`,
  };
  if (generated.tokenSecret !== stored.tokenSecret || generated.bootstrapApiKey !== stored.bootstrapApiKey) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  }
  return {
    tokenSecret: config.tokenSecret ?? generated.tokenSecret!,
    bootstrapApiKey: config.bootstrapApiKey ?? generated.bootstrapApiKey!,
  };
}

/**
 * DATA_DIR holds the secrets, every email sent (.eml, with task links) and the embedded databases:
 * directories 0700, files 0600, existing ones included. Symbolic links are left alone.
 */
export function secureDataDir(dir: string): void {
  if (dir === 'memory://') return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const walk = (path: string): void => {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(path);
    } catch {
      return; // removed meanwhile
    }
    if (st.isSymbolicLink()) return;
    const want = st.isDirectory() ? 0o700 : 0o600;
    if ((st.mode & 0o777) !== want) {
      try {
        chmodSync(path, want);
      } catch {
        // not ours to change (another owner): leave it
      }
    }
    if (st.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(dir);
}
