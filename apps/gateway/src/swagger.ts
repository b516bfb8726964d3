import { ProblemDetailsSchema } from '@app/platform';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at /api/docs and the OpenAPI JSON at /api/docs-json. */
export function setupSwagger(app: INestApplication, version: string): void {
  const document = buildOpenApiDocument(app, version);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', yamlDocumentUrl: 'api/docs-yaml', swaggerOptions: { persistAuthorization: false } });
}

/** The OpenAPI document of the gateway's routes (served at /api/docs-json; generated into libs/api-client). */
export function buildOpenApiDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('AWS MCP Server')
    .setDescription(
      'Fleet management and integration platform for AWS. Errors are RFC 9457 problem+json with a stable `code` and the request\'s `correlation_id` (send `X-Correlation-Id` to set it).\n\n' +
        'Authenticate with `Authorization: Bearer <access token>` (from `POST /api/v1/auth/login`) or `X-API-Key: mcp_...` (from `POST /api/v1/api-keys`). Each operation names the permission it needs in `x-permission` and the least role holding it in `x-minimum-role` (viewer < operator < admin).',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /api/v1/auth/login' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'API key from POST /api/v1/api-keys' }, 'api-key')
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('api-key')
    .addTag('auth', 'Login, token refresh and logout')
    .addTag('users', 'Users and their roles (admin)')
    .addTag('api-keys', 'API keys for services (admin)')
    .addTag('audit', 'Who changed what (admin)')
    .addTag('events', 'Live events as Server-Sent Events')
    .addTag('integrations', 'The integration registry (the seed\'s Integration Management API)')
    .addTag('system', 'The system\'s own health')
    .build();
  return withoutFilterExamples(markPublicOperations(SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsSchema] })));
}

/**
 * Swagger UI's "Try it out" fills a query parameter with its example, so an example filter (`tag=team:ops`) became
 * the first request's filter and answered nothing. Query examples move into the description ("e.g. …"), every one.
 */
function withoutFilterExamples(doc: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as Array<{ parameters?: Array<Record<string, unknown>> }>) {
      for (const p of (op && typeof op === 'object' && Array.isArray(op.parameters) ? op.parameters : [])) {
        if (p.in !== 'query') continue;
        const schema = (p.schema ?? {}) as Record<string, unknown>;
        const items = (schema.items ?? {}) as Record<string, unknown>;
        const example = p.example ?? schema.example ?? items.example;
        delete p.example;
        delete p.examples;
        delete schema.example;
        delete items.example;
        if (example !== undefined) p.description = `${p.description ? `${String(p.description)} ` : ''}(e.g. \`${Array.isArray(example) ? example.join(',') : typeof example === 'object' ? JSON.stringify(example) : String(example)}\`)`;
      }
    }
  }
  return doc;
}

/** Operations marked @Public() need no credentials: an empty security list overrides the document's default. */
function markPublicOperations(doc: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item) as Array<Record<string, unknown>>) {
      if (op && typeof op === 'object' && op['x-public'] === true) op.security = [];
    }
  }
  return doc;
}
