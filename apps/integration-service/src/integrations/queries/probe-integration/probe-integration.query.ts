export class ProbeIntegrationQuery {
  constructor(readonly id: string) {}
}
