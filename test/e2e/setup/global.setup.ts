import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureInfrastructure } from '../../support/infra';

/** Checks what every e2e file needs once: a build to run, and (distributed mode) NATS and PostgreSQL. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync(resolve(__dirname, '../../../dist/apps/standalone/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does it)');
  }
  if (process.env.E2E_MODE === 'distributed') await ensureInfrastructure();
}
