import { AuthConfigDto, createCloudEvent, Direction, IntegrationType } from '@app/contracts';
import { createBuiltInRegistry } from '../../builtin-plugins';
import { connectorsAgainstPeer } from '../../../../../../test/support/connectors/http-peer';
import { GraphqlConnector, GraphqlPlugin } from './graphql.plugin';

describe('GRAPHQL connector against a real endpoint', () => {
  const registry = createBuiltInRegistry();
  const event = createCloudEvent({ type: 'fleet.resource.discovered', source: 'fleet', data: { id: 'i-1', cpu: 4 } });
  const MUTATION = 'mutation Add($id: ID!, $cpu: Int) { addResource(id: $id, cpu: $cpu) { id } }';

  const suite = connectorsAgainstPeer<GraphqlConnector>(registry, IntegrationType.GRAPHQL);
  const { connector } = suite;

  const answer = (status: number, body: unknown) => suite.peer.on((_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)));

  it('posts the mutation with variables taken from the event, authenticated', async () => {
    answer(200, { data: { addResource: { id: 'i-1' } } });
    const c = connector({
      connection: { url: suite.peer.url('/graphql'), query: MUTATION, variables: { id: '{{event.data.id}}', cpu: '{{event.data.cpu}}', type: '{{event.type}}' }, operation_name: 'Add' },
      auth: { type: 'BEARER_TOKEN', token: 'gql' } as AuthConfigDto,
    });
    expect(await c.send({ deliveryId: 'd', attempt: 1, event })).toMatchObject({ ok: true, statusCode: 200 });
    const got = suite.peer.requests[0];
    expect(got.method).toBe('POST');
    expect(got.headers.authorization).toBe('Bearer gql');
    expect(JSON.parse(got.body.toString())).toEqual({
      query: MUTATION,
      variables: { id: 'i-1', cpu: 4, type: 'fleet.resource.discovered' },
      operationName: 'Add',
    });
  });

  it('treats a 200 with errors as a non-retryable failure', async () => {
    answer(200, { data: null, errors: [{ message: 'Field "cpu" is invalid' }] });
    const result = await connector({ connection: { url: suite.peer.url(), query: MUTATION } }).send({ deliveryId: 'd', attempt: 1, event });
    expect(result).toMatchObject({ ok: false, retryable: false, statusCode: 200, error: 'GraphQL errors: Field "cpu" is invalid' });
  });

  it('keeps HTTP classification for transport failures', async () => {
    answer(502, { errors: [{ message: 'gateway' }] });
    expect(await connector({ connection: { url: suite.peer.url(), query: MUTATION } }).send({ deliveryId: 'd', attempt: 1, event })).toMatchObject({
      ok: false,
      retryable: true,
      statusCode: 502,
    });
  });

  it('health: a { __typename } query must return data', async () => {
    answer(200, { data: { __typename: 'Query' } });
    expect(await connector({ connection: { url: suite.peer.url(), query: MUTATION } }).healthCheck()).toMatchObject({ healthy: true, statusCode: 200 });
    expect(JSON.parse(suite.peer.requests[0].body.toString())).toEqual({ query: '{ __typename }' });
    answer(200, { errors: [{ message: 'introspection disabled' }] });
    expect(await connector({ connection: { url: suite.peer.url(), query: MUTATION } }).healthCheck()).toMatchObject({
      healthy: false,
      error: 'GraphQL errors: introspection disabled',
    });
  });

  it('validates url, query and variables; OUTBOUND only', () => {
    const plugin = new GraphqlPlugin(registry);
    expect(plugin.validateConnection({}).map((e) => e.field)).toEqual(['url', 'query']);
    expect(plugin.validateConnection({ url: 'https://g.example', query: 'subscription { x }', variables: [1] }).map((e) => e.field)).toEqual(['variables', 'query']);
    expect(registry.validate({ type: 'GRAPHQL', direction: Direction.INBOUND, connection: { url: 'https://g.example', query: '{ a }' } })).toEqual([
      { field: 'direction', message: expect.stringContaining('OUTBOUND') },
    ]);
  });
});
