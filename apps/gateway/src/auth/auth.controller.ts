import { Public } from '@app/auth';
import { LoginRequest, RefreshTokenRequest, TokenResponseDto } from '@app/contracts';
import { ApiProblems } from '@app/platform';
import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AuthService } from './auth.service';
import { clientAddress, IdentifiedRequest } from './current-identity';

/** Username/password login for people; services use API keys. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in', description: 'Returns a short-lived access token (JWT) and a single-use refresh token. Failed logins slow down and then lock the username and the client address out for a while (429).' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(400, 401, 429)
  async login(@Body() body: LoginRequest, @Req() req: FastifyRequest): Promise<TokenResponseDto> {
    const { tokens, identity } = await this.auth.login(body.username, body.password, clientAddress(req));
    (req as IdentifiedRequest).identity = identity; // the audit record names who logged in
    return tokens;
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for new tokens', description: 'The refresh token is rotated: the old one stops working. Presenting a used one again ends the whole session.' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiProblems(400, 401, 429)
  refresh(@Body() body: RefreshTokenRequest): Promise<TokenResponseDto> {
    return this.auth.refresh(body.refresh_token);
  }

  @Post('logout')
  @Public()
  @HttpCode(204)
  @ApiOperation({ summary: 'End the session of a refresh token', description: 'Its refresh tokens and the access tokens issued in it stop working.' })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiProblems(400, 429)
  async logout(@Body() body: RefreshTokenRequest): Promise<void> {
    await this.auth.logout(body.refresh_token);
  }
}
