import { RequirePermission } from '@app/auth';
import { CreateUserRequest, UpdateUserRequest, UserDto, UserListDto } from '@app/contracts';
import { ApiProblems, ParseUuidPipe } from '@app/platform';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@ApiSecurity('api-key')
@RequirePermission('UsersManage')
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @ApiOperation({ summary: 'Create a user' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiProblems(400, 401, 403, 409, 429)
  create(@Body() body: CreateUserRequest): Promise<UserDto> {
    return this.users.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List users' })
  @ApiOkResponse({ type: UserListDto })
  @ApiProblems(401, 403, 429)
  async list(): Promise<UserListDto> {
    const items = await this.users.list();
    return { items, total: items.length };
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 401, 403, 404, 429)
  get(@Param('id', new ParseUuidPipe('id')) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a user\'s role, password or disabled flag', description: 'A new password or disabling ends every session of the user. The last active admin cannot be demoted or disabled.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: UserDto })
  @ApiProblems(400, 401, 403, 404, 409, 429)
  update(@Param('id', new ParseUuidPipe('id')) id: string, @Body() body: UpdateUserRequest): Promise<UserDto> {
    return this.users.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user', description: 'Ends its sessions. The last active admin cannot be deleted.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 401, 403, 404, 409, 429)
  async delete(@Param('id', new ParseUuidPipe('id')) id: string): Promise<void> {
    await this.users.delete(id);
  }
}
