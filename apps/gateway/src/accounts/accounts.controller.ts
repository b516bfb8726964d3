import { RequirePermission } from '@app/auth';
import { AccountDto, AccountPageDto, AccountSettingsDto, CreateAccountRequest, DiscoverAccountsRequest, DiscoverAccountsResultDto, ListAccountsQuery, RpcSubjects } from '@app/contracts';
import { MESSAGE_BUS, MessageBus } from '@app/messaging';
import { ApiProblems } from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

/** AWS accounts of the fleet. Thin: validate, then ask fleet-service over NATS (which validates the account id). */
@ApiTags('accounts')
@Controller('api/v1/accounts')
export class AccountsController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Post()
  @RequirePermission('AccountsWrite')
  @ApiOperation({ summary: 'Register an AWS account', description: 'Access is checked at once (AssumeRole with the external id, then GetCallerIdentity); a failure shows as status ERROR with AWS\'s message.' })
  @ApiCreatedResponse({ type: AccountDto })
  @ApiProblems(400, 409, 503)
  create(@Body() body: CreateAccountRequest): Promise<AccountDto> {
    return this.bus.request(RpcSubjects.FleetAccountCreate, body);
  }

  @Post('discover')
  @HttpCode(200)
  @RequirePermission('AccountsWrite')
  @ApiOperation({ summary: 'Register every account of the AWS Organization', description: 'The service\'s own credentials must belong to the management (or a delegated administrator) account; each member account is reached through `role_name`.' })
  @ApiOkResponse({ type: DiscoverAccountsResultDto })
  @ApiProblems(400, 502, 503)
  discover(@Body() body: DiscoverAccountsRequest): Promise<DiscoverAccountsResultDto> {
    return this.bus.request(RpcSubjects.FleetAccountDiscover, body, { timeoutMs: 14_000 });
  }

  @Get()
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'List accounts', description: 'In account id order, paged by `cursor`.' })
  @ApiOkResponse({ type: AccountPageDto })
  @ApiProblems(400, 503)
  list(@Query() query: ListAccountsQuery): Promise<AccountPageDto> {
    return this.bus.request(RpcSubjects.FleetAccountList, query);
  }

  @Get(':account_id')
  @RequirePermission('InventoryRead')
  @ApiOperation({ summary: 'Get an account' })
  @ApiParam({ name: 'account_id', example: '123456789012' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400, 404, 503)
  get(@Param('account_id') accountId: string): Promise<AccountDto> {
    return this.bus.request(RpcSubjects.FleetAccountGet, { account_id: accountId });
  }

  @Put(':account_id')
  @RequirePermission('AccountsWrite')
  @ApiOperation({ summary: 'Replace an account\'s settings', description: 'Full replacement; access is checked again.' })
  @ApiParam({ name: 'account_id', example: '123456789012' })
  @ApiOkResponse({ type: AccountDto })
  @ApiProblems(400, 404, 503)
  update(@Param('account_id') accountId: string, @Body() body: AccountSettingsDto): Promise<AccountDto> {
    return this.bus.request(RpcSubjects.FleetAccountUpdate, { ...body, account_id: accountId });
  }

  @Delete(':account_id')
  @HttpCode(204)
  @RequirePermission('AccountsWrite')
  @ApiOperation({ summary: 'Unregister an account', description: 'Its resources stay in the registry.' })
  @ApiParam({ name: 'account_id', example: '123456789012' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404, 503)
  async delete(@Param('account_id') accountId: string): Promise<void> {
    await this.bus.request(RpcSubjects.FleetAccountDelete, { account_id: accountId });
  }
}
