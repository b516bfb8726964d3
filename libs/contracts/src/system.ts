/** Reply of every instance to `rpc.system.ping`. */
export interface InstanceInfo {
  app: string;
  instance_id: string;
  version: string;
  started_at: string;
  uptime_seconds: number;
  ready: boolean;
  checks: Record<string, { status: 'up' | 'down'; message?: string }>;
}
