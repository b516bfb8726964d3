import { ProblemDetailsSchema } from '@app/platform';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Swagger UI at /api/docs and the OpenAPI JSON at /api/docs-json. */
export function setupSwagger(app: INestApplication, version: string): void {
  const config = new DocumentBuilder()
    .setTitle('AWS MCP Server')
    .setDescription(
      'Fleet management and integration platform for AWS. Errors are RFC 9457 problem+json with a stable `code` and the request\'s `correlation_id` (send `X-Correlation-Id` to set it).',
    )
    .setVersion(version)
    .addTag('integrations', 'The integration registry (the seed\'s Integration Management API)')
    .addTag('system', 'The system\'s own health')
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsSchema] });
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json', yamlDocumentUrl: 'api/docs-yaml' });
}
