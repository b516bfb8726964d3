export class GetIntegrationQuery {
  constructor(readonly id: string) {}
}
