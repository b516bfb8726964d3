import 'reflect-metadata';
import { ServiceName } from '@app/contracts';
import { AppRuntime, createDistributedRuntime, failStartup, handleShutdownSignals, loadConfigOrExit, RunningApp, startApp } from '@app/platform';
import { IntegrationServiceModule } from './integration-service.module';

/** Starts integration-service on a runtime (standalone: in-process, no port of its own). */
export async function startIntegrationService(runtime: AppRuntime): Promise<RunningApp> {
  // Fail fast on a missing key before anything else starts.
  void runtime.encryptionKey;
  return startApp({ app: ServiceName.IntegrationService, runtime, module: IntegrationServiceModule.forRoot(runtime), listen: runtime.listenAll });
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await createDistributedRuntime(config, ServiceName.IntegrationService);
  const app = await startIntegrationService(runtime);
  if (runtime.migrateOnly) {
    await runtime.close();
    return;
  }
  handleShutdownSignals([app], runtime);
}

if (require.main === module) main().catch(failStartup);
