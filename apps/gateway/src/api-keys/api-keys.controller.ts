import { Identity, RequirePermission } from '@app/auth';
import { ApiKeyListDto, CreateApiKeyRequest, CreatedApiKeyDto } from '@app/contracts';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentIdentity } from '../auth/current-identity';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiSecurity('api-key')
@RequirePermission('ApiKeysManage')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'The response carries the key this once; store it now. Send it as `X-API-Key`.' })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiProblems(400, 401, 403, 429)
  create(@Body() body: CreateApiKeyRequest, @CurrentIdentity() by: Identity | undefined): Promise<CreatedApiKeyDto> {
    return this.keys.create(body, by);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys (never their secrets)' })
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiProblems(401, 403, 429)
  async list(): Promise<ApiKeyListDto> {
    const items = await this.keys.list();
    return { items, total: items.length };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key', description: 'Refused at once by this gateway instance, within 5 s by the others.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 401, 403, 404, 429)
  async revoke(@Param('id', new ParseUuidPipe('id')) id: string): Promise<void> {
    await this.keys.revoke(id);
  }
}
