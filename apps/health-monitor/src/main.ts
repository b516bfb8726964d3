import 'reflect-metadata';
import { ServiceName } from '@app/contracts';
import { AppRuntime, createDistributedRuntime, failStartup, handleShutdownSignals, loadConfigOrExit, RunningApp, startApp } from '@app/platform';
import { HealthMonitorModule } from './health-monitor.module';

/** Starts health-monitor on a runtime (standalone: in-process, no port of its own). */
export async function startHealthMonitor(runtime: AppRuntime): Promise<RunningApp> {
  return startApp({ app: ServiceName.HealthMonitor, runtime, module: HealthMonitorModule.forRoot(runtime), listen: runtime.listenAll });
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const runtime = await createDistributedRuntime(config, ServiceName.HealthMonitor);
  const app = await startHealthMonitor(runtime);
  if (runtime.migrateOnly) {
    await runtime.close();
    return;
  }
  handleShutdownSignals([app], runtime);
}

if (require.main === module) main().catch(failStartup);
