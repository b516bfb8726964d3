import { AuthType, Direction, FieldError, IntegrationType } from '@app/contracts';
import { ConnectorContext, ConnectorPlugin, HealthResult, OutboundMessage, SendResult } from '../../connector.port';
import { ConnectionFields, parseJsonTemplate } from '../../connection-validator';
import { AuthProviderLookup, HttpConnectorBase, HttpPluginBase } from '../../http/http-connector.base';
import { OutboundHttpOptions, OutboundHttpResponse } from '../../http/outbound-http';
import { renderHeader, renderJson, TemplateScope } from '../../http/template';
import { GRAPHQL_FIELDS } from '../../connection-fields';

/** `connection` of a GRAPHQL integration. */
export interface GraphqlConnection {
  url: string;
  /** The query or mutation sent per event. */
  query: string;
  /** Variables with placeholders (`"{{event.data.id}}"` keeps the value's type). */
  variables?: Record<string, unknown>;
  operation_name?: string;
  headers?: Record<string, string>;
}

interface GraphqlBody {
  data?: unknown;
  errors?: Array<{ message?: unknown }>;
}

function parseGraphql(res: OutboundHttpResponse): GraphqlBody | undefined {
  try {
    const json = JSON.parse(res.body.toString('utf8')) as unknown;
    return json && typeof json === 'object' ? (json as GraphqlBody) : undefined;
  } catch {
    return undefined;
  }
}

function errorMessages(body: GraphqlBody): string {
  return (body.errors ?? [])
    .slice(0, 3)
    .map((e) => (typeof e?.message === 'string' ? e.message.slice(0, 200) : 'error'))
    .join('; ');
}

export class GraphqlConnector extends HttpConnectorBase {
  private readonly conn: GraphqlConnection;
  private readonly variables: unknown;

  constructor(ctx: ConnectorContext, auth: AuthProviderLookup, httpOptions?: Partial<OutboundHttpOptions>) {
    super(ctx, auth, httpOptions);
    this.conn = ctx.connection as unknown as GraphqlConnection;
    this.variables = parseJsonTemplate(this.conn.variables);
  }

  async send(message: OutboundMessage): Promise<SendResult> {
    const scope: TemplateScope = { event: message.event, delivery: { id: message.deliveryId, attempt: message.attempt } };
    const payload = {
      query: this.conn.query,
      variables: this.variables === undefined ? {} : renderJson(this.variables, scope),
      ...(this.conn.operation_name ? { operationName: this.conn.operation_name } : {}),
    };
    // Transport success is not enough: GraphQL reports failures in `errors` with HTTP 200.
    return this.deliver(this.request(JSON.stringify(payload), scope), (res, result) => {
      const body = parseGraphql(res);
      if (!body) return { ...result, ok: false, retryable: false, error: 'The response is not GraphQL JSON' };
      if (Array.isArray(body.errors) && body.errors.length) {
        return { ...result, ok: false, retryable: false, error: `GraphQL errors: ${errorMessages(body)}` };
      }
      return result;
    });
  }

  async healthCheck(): Promise<HealthResult> {
    return this.probe(this.request(JSON.stringify({ query: '{ __typename }' })), (res) => {
      if (res.status !== 200) return `HTTP ${res.status}`;
      const body = parseGraphql(res);
      if (!body) return 'The response is not GraphQL JSON';
      if (Array.isArray(body.errors) && body.errors.length) return `GraphQL errors: ${errorMessages(body)}`;
      return body.data !== undefined && body.data !== null ? true : 'No data in the response';
    });
  }

  private request(body: string, scope?: TemplateScope) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.conn.headers ?? {})) headers[k.toLowerCase()] = scope ? renderHeader(v, scope) : v;
    return {
      method: 'POST',
      url: this.conn.url,
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body,
    };
  }
}

/** GRAPHQL: one query or mutation per event. */
export class GraphqlPlugin extends HttpPluginBase implements ConnectorPlugin {
  readonly type = IntegrationType.GRAPHQL;
  readonly directions = [Direction.OUTBOUND] as const;
  readonly authTypes = Object.values(AuthType);
  readonly description = 'GraphQL APIs: a query or mutation per event with variables taken from it';
  readonly connectionFields = GRAPHQL_FIELDS;

  validateConnection(connection: Record<string, unknown>): FieldError[] {
    const f = new ConnectionFields(connection);
    f.url('url', true);
    f.string('query', { required: true, max: 100_000 });
    f.string('operation_name', { max: 256 });
    f.headers('headers');
    const vars = f.jsonTemplate('variables');
    const errors = f.errors;
    if (vars !== undefined && Array.isArray(vars)) errors.push({ field: 'variables', message: 'variables must be a JSON object' });
    if (typeof connection.query === 'string' && !/^\s*(query|mutation|\{)/.test(connection.query.replace(/^\s*#.*$/gm, ''))) {
      errors.push({ field: 'query', message: 'query must be a GraphQL query or mutation' });
    }
    return errors;
  }

  create(context: ConnectorContext): GraphqlConnector {
    return new GraphqlConnector(context, this.auth, this.httpOptions);
  }
}
