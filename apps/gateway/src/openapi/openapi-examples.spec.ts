import type { OpenAPIObject } from '@nestjs/swagger';
import { createOpenApiDocument } from './openapi-document';

/** What Swagger UI shows a first-time user: no example turned into a filter, and each error example of its own status. */
describe('OpenAPI examples', () => {
  let doc: OpenAPIObject;
  beforeAll(async () => {
    doc = await createOpenApiDocument();
  }, 60000);
  const operations = () => Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item as Record<string, any>).map(([method, op]) => ({ at: `${method.toUpperCase()} ${path}`, op })));

  it('prefills no query parameter: examples are in the description', () => {
    const prefilled = operations().flatMap(({ at, op }) => (op.parameters ?? []).filter((p: any) => p.in === 'query' && (p.example !== undefined || p.examples !== undefined || p.schema?.example !== undefined || p.schema?.items?.example !== undefined)).map((p: any) => `${at} ?${p.name}`));
    expect(prefilled).toEqual([]);
    const tag = operations().find((o) => o.at === 'GET /api/v1/integrations')!.op.parameters.find((p: any) => p.name === 'tag');
    expect(tag.description).toContain('team:ops');
  });

  it('gives every problem response an example body of that status', () => {
    const wrong: string[] = [];
    let seen503 = 0;
    for (const { at, op } of operations()) {
      for (const [status, res] of Object.entries(op.responses ?? {}) as Array<[string, any]>) {
        const example = res.content?.['application/problem+json']?.example;
        if (!res.content?.['application/problem+json']) continue;
        if (status === '503') seen503++;
        if (!example || example.status !== Number(status)) wrong.push(`${at} ${status}: ${JSON.stringify(example)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(seen503).toBeGreaterThan(10);
  });
});
