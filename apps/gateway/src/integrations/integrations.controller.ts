import { RequirePermission } from '@app/auth';
import {
  BulkRegisterRequest,
  BulkRegisterResultDto,
  IntegrationConfigDto,
  IntegrationDto,
  IntegrationPageDto,
  IntegrationReplacementDto,
  IntegrationTypeDto,
  ListIntegrationsQuery,
  RotateSigningSecretBody,
  SigningSecretDto,
  TestIntegrationBody,
  TestIntegrationResultDto,
} from '@app/contracts';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AuditedRead } from '../audit/audit.recorder';
import { IntegrationsService } from './integrations.service';

/** The seed's Integration Management API. Thin: validate, then ask integration-service over NATS. */
@ApiTags('integrations')
@Controller('api/v1/integrations')
export class IntegrationsController {
  constructor(private readonly integrations: IntegrationsService) {}

  @Post()
  @RequirePermission('IntegrationsWrite')
  @ApiOperation({ summary: 'Create an integration', description: 'Body: the seed\'s IntegrationConfig (snake_case, same defaults) plus `connection`. Secret values are encrypted at rest and masked in responses.' })
  @ApiCreatedResponse({ type: IntegrationDto })
  @ApiProblems(400, 409, 413, 503)
  create(@Body() body: IntegrationConfigDto): Promise<IntegrationDto> {
    return this.integrations.create(body);
  }

  @Post('bulk')
  @RequirePermission('IntegrationsWrite')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register up to 500 integrations', description: "The seed's register_bulk: a result per item (`name`, `success`, `id` or `error`). Valid items are created even when others fail, unless `atomic: true`." })
  @ApiOkResponse({ type: BulkRegisterResultDto })
  @ApiProblems(400, 413, 503)
  bulk(@Body() body: BulkRegisterRequest): Promise<BulkRegisterResultDto> {
    return this.integrations.bulk(body);
  }

  @Get('types')
  @RequirePermission('IntegrationsRead')
  @ApiOperation({ summary: 'Integration types', description: 'Each registered type with the directions and auth types it supports.' })
  @ApiOkResponse({ type: [IntegrationTypeDto] })
  @ApiProblems(503)
  types(): Promise<IntegrationTypeDto[]> {
    return this.integrations.types();
  }

  @Get()
  @RequirePermission('IntegrationsRead')
  @ApiOperation({ summary: 'List integrations', description: 'Paged by `cursor` (preferred) or `page`; filters combine with AND.' })
  @ApiOkResponse({ type: IntegrationPageDto })
  @ApiProblems(400, 503)
  list(@Query() query: ListIntegrationsQuery): Promise<IntegrationPageDto> {
    return this.integrations.list(query);
  }

  @Get(':id')
  @RequirePermission('IntegrationsRead')
  @ApiOperation({ summary: 'Get integration details' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IntegrationDto })
  @ApiProblems(400, 404, 503)
  get(@Param('id', new ParseUuidPipe('id')) id: string): Promise<IntegrationDto> {
    return this.integrations.get(id);
  }

  @Put(':id')
  @RequirePermission('IntegrationsWrite')
  @ApiOperation({ summary: 'Update an integration', description: 'Full replacement, validated like create. A GET body can be sent back unchanged: its read-only fields are ignored (`id`, when sent, must be the path\'s), and a secret sent back as "********" (a URL password too, with the URL otherwise unchanged) keeps its stored value.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IntegrationDto })
  @ApiProblems(400, 404, 409, 503)
  update(@Param('id', new ParseUuidPipe('id')) id: string, @Body() body: IntegrationReplacementDto): Promise<IntegrationDto> {
    return this.integrations.update(id, body);
  }

  @Patch(':id')
  @RequirePermission('IntegrationsWrite')
  @ApiOperation({
    summary: 'Change part of an integration',
    description: 'A JSON Merge Patch (RFC 7396; `application/merge-patch+json` or `application/json`) of the GET body: keys given replace, `null` removes (back to the default), nested objects merge, arrays replace. The result is validated like a PUT; secrets not named keep their stored values. The patch applies to the version it was merged onto: when something changes the integration meanwhile (another patch, a rotation, a status change) it is merged again onto the new version, and 409 CONFLICT answers only when that keeps happening.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiBody({ schema: { type: 'object', additionalProperties: true, example: { timeout_seconds: 45, tags: { team: 'ops' } } } })
  @ApiOkResponse({ type: IntegrationDto })
  @ApiProblems(400, 404, 409, 503)
  patch(@Param('id', new ParseUuidPipe('id')) id: string, @Body() patch: Record<string, unknown>): Promise<IntegrationDto> {
    return this.integrations.patch(id, patch);
  }

  @Delete(':id')
  @RequirePermission('IntegrationsWrite')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an integration' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 503)
  delete(@Param('id', new ParseUuidPipe('id')) id: string): Promise<void> {
    return this.integrations.delete(id);
  }

  @Post(':id/test')
  @RequirePermission('IntegrationsWrite')
  @HttpCode(200)
  @ApiOperation({ summary: 'Test the connection now', description: 'Runs initialize and the health check (and optionally sends a test event): success → ACTIVE, failure → ERROR with the reason.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: TestIntegrationResultDto })
  @ApiProblems(400, 404, 409, 503)
  test(@Param('id', new ParseUuidPipe('id')) id: string, @Body() body: TestIntegrationBody): Promise<TestIntegrationResultDto> {
    return this.integrations.test(id, body);
  }

  @Post(':id/enable')
  @RequirePermission('IntegrationsWrite')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable (INACTIVE → CONFIGURING)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IntegrationDto })
  @ApiProblems(400, 404, 409, 503)
  enable(@Param('id', new ParseUuidPipe('id')) id: string): Promise<IntegrationDto> {
    return this.integrations.lifecycle(id, 'enable');
  }

  @Post(':id/disable')
  @RequirePermission('IntegrationsWrite')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable (any → INACTIVE)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IntegrationDto })
  @ApiProblems(400, 404, 409, 503)
  disable(@Param('id', new ParseUuidPipe('id')) id: string): Promise<IntegrationDto> {
    return this.integrations.lifecycle(id, 'disable');
  }

  @Post(':id/deprecate')
  @RequirePermission('IntegrationsWrite')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deprecate (kept, read-only, receives nothing)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: IntegrationDto })
  @ApiProblems(400, 404, 409, 503)
  deprecate(@Param('id', new ParseUuidPipe('id')) id: string): Promise<IntegrationDto> {
    return this.integrations.lifecycle(id, 'deprecate');
  }

  @Get(':id/signing-secret')
  @RequirePermission('IntegrationSecretsManage')
  @AuditedRead()
  @ApiOperation({
    summary: "A webhook's signing secret (admin)",
    description:
      'The `whsec_` secret (Standard Webhooks) a WEBHOOK signs its deliveries with and its inbound messages must carry, generated when none was given: give it to the receiver (or sender). Never part of the integration itself (masked there); each read is audited, without the value. 409 `INTEGRATION_NOT_WEBHOOK` for other types, `WEBHOOK_SECRET_MISSING` for a webhook saved before secrets were generated (rotate to create one).',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SigningSecretDto })
  @ApiProblems(400, 404, 409, 503)
  signingSecret(@Param('id', new ParseUuidPipe('id')) id: string): Promise<SigningSecretDto> {
    return this.integrations.signingSecret(id);
  }

  @Post(':id/signing-secret/rotate')
  @RequirePermission('IntegrationSecretsManage')
  @HttpCode(200)
  @ApiOperation({
    summary: "Rotate a webhook's signing secret (admin)",
    description:
      'Generates a new `whsec_` secret and answers it. The replaced one stays in use for `grace_seconds` (default 86400, as Svix): deliveries carry a second `v1,` signature made with it and inbound messages signed with it are still accepted, so receivers can switch over; `grace_seconds: 0` drops it at once (after a leak). Audited, without the value. 409 `INTEGRATION_NOT_WEBHOOK` for other types, `INTEGRATION_DEPRECATED` for a deprecated one.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: SigningSecretDto })
  @ApiProblems(400, 404, 409, 503)
  rotateSigningSecret(@Param('id', new ParseUuidPipe('id')) id: string, @Body() body: RotateSigningSecretBody): Promise<SigningSecretDto> {
    return this.integrations.rotateSigningSecret(id, body);
  }
}
