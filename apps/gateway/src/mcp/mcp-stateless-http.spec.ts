import { classifyInboundRequest, CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY, PROTOCOL_VERSION_META_KEY } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { statelessRequest } from './mcp-stateless-http';
import { sdkInputSchema, sdkOutputSchema, toolArguments } from './mcp-tool';

const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-11-25' };
const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'search_resources', arguments: { limit: 1 } } };

describe('the stateless fast path of /mcp', () => {
  it('takes a single 2025-era request the SDK would serve statelessly, and nothing else', () => {
    expect(statelessRequest('POST', headers, call)).toMatchObject({ id: 7, method: 'tools/call' });
    const { 'mcp-protocol-version': _v, ...noVersion } = headers;
    expect(statelessRequest('POST', noVersion, call)).toBeDefined();
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '1999-01-01', capabilities: {}, clientInfo: { name: 'c', version: '1' } } };
    expect(statelessRequest('POST', { ...headers, 'mcp-protocol-version': '1999-01-01' }, init)).toBeDefined();

    // Left to the SDK's handler, which answers (or refuses) them itself:
    expect(statelessRequest('GET', headers, undefined)).toBeUndefined();
    expect(statelessRequest('POST', headers, [call])).toBeUndefined();
    expect(statelessRequest('POST', headers, { jsonrpc: '2.0', method: 'notifications/initialized' })).toBeUndefined();
    expect(statelessRequest('POST', headers, { jsonrpc: '2.0', id: 3, result: {} })).toBeUndefined();
    expect(statelessRequest('POST', headers, { jsonrpc: '1.0', id: 7, method: 'tools/call' })).toBeUndefined();
    expect(statelessRequest('POST', { ...headers, accept: 'application/json' }, call)).toBeUndefined();
    expect(statelessRequest('POST', { ...headers, 'content-type': 'text/plain' }, call)).toBeUndefined();
    expect(statelessRequest('POST', { ...headers, 'mcp-protocol-version': '1999-01-01' }, call)).toBeUndefined();
    const modern = { ...call, params: { ...call.params, _meta: { [PROTOCOL_VERSION_META_KEY]: '2026-07-28', [CLIENT_INFO_META_KEY]: { name: 'c', version: '1' }, [CLIENT_CAPABILITIES_META_KEY]: {} } } };
    const modernHeaders = { ...headers, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'search_resources' };
    expect(classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader: '2026-07-28', mcpMethodHeader: 'tools/call', mcpNameHeader: 'search_resources', body: modern }).kind).toBe('modern');
    expect(statelessRequest('POST', modernHeaders, modern)).toBeUndefined();
  });
});

describe('tool schemas as the SDK is given them', () => {
  const output = z.object({ items: z.array(z.looseObject({ arn: z.string() })), next_cursor: z.string().nullable() });

  it('advertise zod\'s JSON Schema, converted once and frozen', () => {
    const sdk = sdkOutputSchema(output);
    const json = sdk['~standard'].jsonSchema.output({ target: 'draft-2020-12' });
    expect(json).toEqual(output['~standard'].jsonSchema.output({ target: 'draft-2020-12' }));
    expect(sdk['~standard'].jsonSchema.output({ target: 'draft-2020-12' })).toBe(json);
    expect(Object.isFrozen(json)).toBe(true);
    const input = sdkInputSchema(z.object({ limit: z.number().int().optional() }));
    expect(input['~standard'].jsonSchema.input({ target: 'draft-2020-12' })).toMatchObject({ type: 'object', properties: { limit: { type: 'integer' } } });
  });

  it('check a result as zod would: unknown keys pass, a wrong or missing field does not', async () => {
    const check = (v: unknown) => Promise.resolve(sdkOutputSchema(output)['~standard'].validate(v));
    expect(await check({ items: [{ arn: 'a', extra: 1 }], next_cursor: null, total: 1 })).not.toHaveProperty('issues');
    expect((await check({ items: [{ arn: 1 }], next_cursor: null })).issues).toHaveLength(1);
    expect((await check({ items: [] })).issues).toHaveLength(1);
  });

  it('leave arguments to the call, which parses them with zod: unknown keys stripped, bad ones VALIDATION_FAILED per field', async () => {
    const schema = z.object({ limit: z.number().int().optional(), filter: z.object({ type: z.string() }).optional() });
    expect(await sdkInputSchema(schema)['~standard'].validate({ limit: 'x' })).toEqual({ value: { limit: 'x' } });
    expect(toolArguments(schema, { limit: 2, other: true })).toEqual({ limit: 2 });
    expect(toolArguments(schema, undefined)).toEqual({});
    expect(() => toolArguments(schema, { limit: 'x', filter: { type: 3 } })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', message: 'The input has 2 invalid fields: limit, filter.type', errors: [expect.objectContaining({ field: 'limit' }), expect.objectContaining({ field: 'filter.type' })] }),
    );
  });
});
