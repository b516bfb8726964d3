/** Names and values exactly as in the seed (`IntegrationType`, `Direction`, `AuthType`, lifecycle states). */
export enum IntegrationType {
  WEBHOOK = 'WEBHOOK',
  REST_API = 'REST_API',
  GRAPHQL = 'GRAPHQL',
  GRPC = 'GRPC',
  EVENT_BUS = 'EVENT_BUS',
  MESSAGE_QUEUE = 'MESSAGE_QUEUE',
  DATABASE = 'DATABASE',
  FILE = 'FILE',
  CUSTOM = 'CUSTOM',
}

export enum Direction {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
  BIDIRECTIONAL = 'BIDIRECTIONAL',
}

export enum AuthType {
  NONE = 'NONE',
  API_KEY = 'API_KEY',
  BASIC = 'BASIC',
  BEARER_TOKEN = 'BEARER_TOKEN',
  OAUTH2 = 'OAUTH2',
  OAUTH1 = 'OAUTH1',
  AWS_SIG_V4 = 'AWS_SIG_V4',
  CERTIFICATE = 'CERTIFICATE',
  CUSTOM = 'CUSTOM',
}

export enum IntegrationStatus {
  CONFIGURING = 'CONFIGURING',
  TESTING = 'TESTING',
  ACTIVE = 'ACTIVE',
  ERROR = 'ERROR',
  INACTIVE = 'INACTIVE',
  DEPRECATED = 'DEPRECATED',
}
