import { RequirePermission } from '@app/auth';
import { AccountDto, AccountPageDto, AccountSettingsDto, CreateAccountRequest, DiscoverAccountsRequest, DiscoverAccountsResultDto, ListAccountsQuery } from '@app/contracts';
import { ApiProblems } from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { AccountsService } from './accounts.service';

/** AWS accounts of the fleet. Thin: validate, then ask fleet-service over NATS (which validates the account id). */
@ApiTags('accounts')
@Controller('api/v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Post()
  @RequirePermission('AccountsWrite')
  @ApiOperation({ summary: 'Register an AWS account', description: 'Access is checked at once (AssumeRole with the external id, then GetCallerIdentity); a failure shows as status ERROR with AWS\'s message.' })
  @ApiCreatedResponse({ type: AccountDto })
  @ApiProblems(400, 409, 503)
  create(@Body() body: CreateAccountRequest): Promise<AccountDto> {
    return this.accounts.create(body);
  }

  @Post('discover')
  @HttpCode(200)
  @RequirePermission('AccountsWrite')
  @ApiOperation({ summary: 'Register every account of the AWS Organization', description: 'The service\'s own credentials must belong to the management (or a delegated administrator) account; each member account is reached through `role_name`.' })
  @ApiOkResponse({ type: DiscoverAccountsResultDto })
  @ApiProblems(400, 502, 503)
  discover(@Body() body: DiscoverAccountsRequest): Promise<DiscoverAccountsResultDto> {
    return this.accounts.discover(body);
  }

  @Get()
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'List accounts', description: 'In account id order, paged by `cursor`.' })
  @ApiOkResponse({ type: AccountPageDto })
  @ApiProblems(400, 503)
  list(@Query() query: ListAccountsQuery): Promise<AccountPageDto> {
    return this.accounts.list(query);
  }

  @Get(':account_id')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Get an account' })
  @ApiParam({ name: 'account_id', example: '123456789012' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400, 404, 503)
  get(@Param('account_id') accountId: string): Promise<AccountDto> {
    return this.accounts.get(accountId);
  }

  @Put(':account_id')
  @RequirePermission('AccountsWrite')
  @ApiOperation({ summary: 'Replace an account\'s settings', description: 'Full replacement; access is checked again.' })
  @ApiParam({ name: 'account_id', example: '123456789012' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400, 404, 503)
  update(@Param('account_id') accountId: string, @Body() body: AccountSettingsDto): Promise<AccountDto> {
    return this.accounts.update(accountId, body);
  }

  @Delete(':account_id')
  @HttpCode(204)
  @RequirePermission('AccountsWrite')
  @ApiOperation({ summary: 'Unregister an account', description: 'Its resources stay in the registry.' })
  @ApiParam({ name: 'account_id', example: '123456789012' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 503)
  delete(@Param('account_id') accountId: string): Promise<void> {
    return this.accounts.delete(accountId);
  }
}
