import { APP_CONFIG, AppConfig } from '@app/config';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Global, Module } from '@nestjs/common';
import { AccountCredentials, CollectorRegistry } from '../inventory';

/**
 * The AWS side of fleet-service as Nest providers: one AccountCredentials (cached, refreshed STS sessions per
 * account; base credentials from the SDK's default chain; `aws.endpoint_url` passed explicitly) and the
 * CollectorRegistry (the 15 built-in collectors; plugins register more with `registerCollector`).
 */
@Global()
@Module({
  providers: [
    {
      provide: AccountCredentials,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new AccountCredentials({
          endpoint: config.aws.endpoint_url,
          sessionName: 'aws-mcp-fleet',
          // aws.profile (AWS_PROFILE) picks the profile explicitly; otherwise the SDK's own default chain.
          ...(config.aws.profile ? { baseCredentials: fromNodeProviderChain({ profile: config.aws.profile }) } : {}),
        }),
    },
    { provide: CollectorRegistry, useFactory: () => new CollectorRegistry() },
  ],
  exports: [AccountCredentials, CollectorRegistry],
})
export class FleetAwsModule {}
