import 'reflect-metadata';
import { AppRuntime, createStandaloneRuntime, failStartup, handleShutdownSignals, loadConfigOrExit, RunningApp } from '@app/platform';
import { Logger } from '@nestjs/common';
// The one place that composes the apps: each exposes a start function on a shared runtime.
import { startFleetService } from '../../fleet-service/src/main';
import { startGateway } from '../../gateway/src/main';
import { startHealthMonitor } from '../../health-monitor/src/main';
import { startIntegrationService } from '../../integration-service/src/main';

export type StartedGateway = Awaited<ReturnType<typeof startGateway>>;

/** The four apps on one runtime, services first (sequentially: PGlite runs one migration at a time), the gateway last. */
export async function startStandaloneApps(runtime: AppRuntime): Promise<{ apps: RunningApp[]; gateway: StartedGateway }> {
  const apps: RunningApp[] = [];
  try {
    apps.push(await startIntegrationService(runtime));
    apps.push(await startFleetService(runtime));
    apps.push(await startHealthMonitor(runtime));
    const gateway = await startGateway(runtime);
    apps.push(gateway);
    return { apps, gateway };
  } catch (e) {
    for (const a of apps.reverse()) await a.close().catch(() => undefined);
    throw e;
  }
}

/**
 * Standalone mode (`npm start`): the four apps in one process on an embedded PostgreSQL (PGlite) and the
 * in-process bus, unless DATABASE_URL / NATS_URL point at real ones. Same handlers as distributed mode.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await createStandaloneRuntime(config);
  try {
    const { apps, gateway } = await startStandaloneApps(runtime);
    handleShutdownSignals(apps, runtime);
    new Logger('Standalone').log(`AWS MCP Server ${runtime.version} is up. Console: ${gateway.url}/  Swagger UI: ${gateway.url}/api/docs`);
  } catch (e) {
    await runtime.close().catch(() => undefined);
    throw e;
  }
}

if (require.main === module) main().catch(failStartup);
