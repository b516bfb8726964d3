import 'reflect-metadata';
import { createStandaloneRuntime, failStartup, handleShutdownSignals, loadConfigOrExit, RunningApp } from '@app/platform';
import { Logger } from '@nestjs/common';
// The one place that composes the apps: each exposes a start function on a shared runtime.
import { startFleetService } from '../../fleet-service/src/main';
import { startGateway } from '../../gateway/src/main';
import { startHealthMonitor } from '../../health-monitor/src/main';
import { startIntegrationService } from '../../integration-service/src/main';

/**
 * Standalone mode (`npm start`): the four apps in one process on an embedded PostgreSQL (PGlite) and the
 * in-process bus, unless DATABASE_URL / NATS_URL point at real ones. Same handlers as distributed mode.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await createStandaloneRuntime(config);
  const apps: RunningApp[] = [];
  try {
    // Services first (sequentially: PGlite runs one migration at a time), the gateway last.
    apps.push(await startIntegrationService(runtime));
    apps.push(await startFleetService(runtime));
    apps.push(await startHealthMonitor(runtime));
    const gateway = await startGateway(runtime);
    apps.push(gateway);
    handleShutdownSignals(apps, runtime);
    new Logger('Standalone').log(`AWS MCP Server ${runtime.version} is up. Console: ${gateway.url}/  Swagger UI: ${gateway.url}/api/docs`);
  } catch (e) {
    for (const a of apps.reverse()) await a.close().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    throw e;
  }
}

main().catch(failStartup);
