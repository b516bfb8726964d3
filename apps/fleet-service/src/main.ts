import 'reflect-metadata';
import { ServiceName } from '@app/contracts';
import { AppRuntime, createDistributedRuntime, failStartup, handleShutdownSignals, loadConfigOrExit, RunningApp, startApp } from '@app/platform';
import { FleetServiceModule } from './fleet-service.module';

/** Starts fleet-service on a runtime (standalone: in-process, no port of its own). */
export async function startFleetService(runtime: AppRuntime): Promise<RunningApp> {
  return startApp({ app: ServiceName.FleetService, runtime, module: FleetServiceModule.forRoot(runtime), listen: runtime.listenAll });
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await createDistributedRuntime(config, ServiceName.FleetService);
  const app = await startFleetService(runtime);
  if (runtime.migrateOnly) {
    await runtime.close();
    return;
  }
  handleShutdownSignals([app], runtime);
}

if (require.main === module) main().catch(failStartup);
