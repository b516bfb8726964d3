/**
 * Stable error codes. Each maps to one HTTP status and title; the gateway and every app render them as
 * RFC 9457 problem+json with `type` = PROBLEM_TYPE_BASE + the code in kebab case.
 */
export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400, title: 'Request validation failed' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNAUTHORIZED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  REQUEST_TIMEOUT: { status: 408, title: 'The request was not received in time' },
  CONFLICT: { status: 409, title: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  URI_TOO_LONG: { status: 414, title: 'URI too long' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  HEADERS_TOO_LARGE: { status: 431, title: 'Request header fields too large' },
  INTERNAL_ERROR: { status: 500, title: 'Internal server error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'Service unavailable' },
  UPSTREAM_TIMEOUT: { status: 503, title: 'Service did not answer in time' },

  AUTH_INVALID_CREDENTIALS: { status: 401, title: 'Invalid username or password' },
  AUTH_TOKEN_INVALID: { status: 401, title: 'Invalid or expired credentials' },
  AUTH_LOCKED: { status: 429, title: 'Too many failed logins: temporarily locked' },
  ROUTE_NOT_DECLARED: { status: 403, title: 'Endpoint declares no permission' },
  USER_NOT_FOUND: { status: 404, title: 'User not found' },
  USER_NAME_TAKEN: { status: 409, title: 'A user with this name already exists' },
  USER_LAST_ADMIN: { status: 409, title: 'The last active admin cannot be removed or demoted' },
  API_KEY_NOT_FOUND: { status: 404, title: 'API key not found' },
  EVENT_STREAM_LIMIT: { status: 429, title: 'Too many open event streams' },
  GRAPHQL_INVALID_QUERY: { status: 400, title: 'The GraphQL document is not valid against the schema' },
  GRAPHQL_QUERY_TOO_DEEP: { status: 400, title: 'The GraphQL query nests deeper than allowed' },
  GRAPHQL_QUERY_TOO_COMPLEX: { status: 400, title: 'The GraphQL query costs more than allowed' },

  INTEGRATION_NOT_FOUND: { status: 404, title: 'Integration not found' },
  INTEGRATION_NAME_TAKEN: { status: 409, title: 'An integration with this name already exists' },
  INTEGRATION_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  INTEGRATION_INVALID_TRANSITION: { status: 409, title: 'The integration cannot make this status change' },
  INTEGRATION_DEPRECATED: { status: 409, title: 'The integration is deprecated and read-only' },
  INTEGRATION_NOT_WEBHOOK: { status: 409, title: 'Only WEBHOOK integrations have a signing secret' },
  WEBHOOK_SECRET_MISSING: { status: 409, title: 'The webhook has no signing secret yet' },
  BULK_REJECTED: { status: 400, title: 'The bulk registration was rejected as a whole' },
  DELIVERY_NOT_FOUND: { status: 404, title: 'Delivery not found' },
  DELIVERY_IN_FLIGHT: { status: 409, title: 'The delivery is being sent right now' },
  DELIVERY_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },

  ACCOUNT_NOT_FOUND: { status: 404, title: 'AWS account not found' },
  ACCOUNT_EXISTS: { status: 409, title: 'This AWS account is already registered' },
  ACCOUNT_DISCOVERY_FAILED: { status: 502, title: 'AWS Organizations could not list the accounts' },
  RESOURCE_NOT_FOUND: { status: 404, title: 'Resource not found' },
  RESOURCE_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  SYNC_NOT_FOUND: { status: 404, title: 'Sync run not found' },

  COMMAND_NOT_FOUND: { status: 404, title: 'Fleet command not found' },
  COMMAND_RESULT_NOT_FOUND: { status: 404, title: 'No such target in this command' },
  COMMAND_NO_TARGETS: { status: 400, title: 'The targets match no account and region' },
  COMMAND_NOT_RUNNING: { status: 409, title: 'The command has already finished' },
  COMMAND_INVALID_CURSOR: { status: 400, title: 'Invalid cursor' },
  /** The refusal codes of the AWS CLI command policy (libs/cli-executor, docs/cli-policy.md). */
  CLI_COMMAND_EMPTY: { status: 400, title: 'AWS CLI command is empty' },
  CLI_COMMAND_TOO_LONG: { status: 400, title: 'AWS CLI command is too long' },
  CLI_INVALID_CHARACTER: { status: 400, title: 'AWS CLI command contains forbidden characters' },
  CLI_UNTERMINATED_QUOTE: { status: 400, title: 'AWS CLI command has an unterminated quote' },
  CLI_SHELL_SYNTAX: { status: 400, title: 'Shell syntax is not accepted in AWS CLI commands' },
  CLI_INVALID_COMMAND: { status: 400, title: 'Not an AWS CLI command' },
  CLI_INVALID_OPTION: { status: 400, title: 'Malformed AWS CLI option' },
  CLI_OPTION_FORBIDDEN: { status: 403, title: 'AWS CLI option not allowed' },
  CLI_LOCAL_ACCESS_FORBIDDEN: { status: 403, title: 'AWS CLI command would access the server' },
  CLI_URL_FETCH_FORBIDDEN: { status: 403, title: 'AWS CLI command would fetch a URL from the server' },
  CLI_COMMAND_DENIED: { status: 403, title: 'AWS CLI command is on the deny list' },
  CLI_MUTATION_FORBIDDEN: { status: 403, title: 'AWS CLI command changes the account and is not allowed' },
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export const PROBLEM_TYPE_BASE = 'https://aws-mcp-server.dev/problems/';

export function problemType(code: string): string {
  return PROBLEM_TYPE_BASE + code.toLowerCase().replace(/_/g, '-');
}
