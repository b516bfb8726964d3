import { Direction } from '@app/contracts';
import type { ConnectionField } from './connector.port';

/**
 * The `connection` settings of each built-in type, for clients that draw a form (GET /integrations/types). Each
 * plugin's validateConnection stays the judge of what is valid; this only says what there is to fill in.
 */
const OUT = [Direction.OUTBOUND, Direction.BIDIRECTIONAL];
const IN = [Direction.INBOUND, Direction.BIDIRECTIONAL];

const headers: ConnectionField = { name: 'headers', label: 'Extra headers', kind: 'json', description: 'JSON object of header → value; {{event.type}}-style placeholders allowed', placeholder: '{"x-team": "ops"}' };
const healthUrl: ConnectionField = { name: 'health_url', label: 'Health URL', kind: 'string', description: 'GET target of the health check (else the type’s own check)', placeholder: 'https://receiver.example.com/health' };

export const WEBHOOK_FIELDS: readonly ConnectionField[] = [
  { name: 'url', label: 'URL', kind: 'string', requiredFor: OUT, directions: OUT, description: 'Where events are POSTed', placeholder: 'https://hooks.example.com/aws' },
  { name: 'secret', label: 'Signing secret', kind: 'secret', description: 'whsec_<base64> (Standard Webhooks); outbound signs with it, inbound requires it. Left empty, one is generated (an admin reads or rotates it)', placeholder: 'whsec_… (generated when empty)' },
  headers,
  healthUrl,
  { name: 'tolerance_seconds', label: 'Replay window (s)', kind: 'number', directions: IN, description: 'Inbound: how old a signed timestamp may be (default 300)' },
];

export const REST_API_FIELDS: readonly ConnectionField[] = [
  { name: 'method', label: 'Method', kind: 'select', options: ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'], directions: OUT, description: 'HTTP method per event (default POST)' },
  { name: 'url', label: 'URL', kind: 'string', requiredFor: OUT, directions: OUT, description: 'Placeholders such as {{event.data.resource_id}} in path and query', placeholder: 'https://cmdb.example.com/assets/{{event.subject}}' },
  headers,
  { name: 'body_template', label: 'Body template', kind: 'json', directions: OUT, description: 'JSON with placeholders; without it the CloudEvent is the body' },
  { name: 'poll_url', label: 'Poll URL', kind: 'string', requiredFor: IN, directions: IN, description: 'Inbound: GET on an interval; each item not seen before is one message' },
  { name: 'poll_interval_seconds', label: 'Poll every (s)', kind: 'number', directions: IN, description: 'At least 5, default 60' },
  { name: 'items_path', label: 'Items path', kind: 'string', directions: IN, description: 'Where the list is in the response, e.g. data.items' },
  { name: 'id_field', label: 'Id field', kind: 'string', directions: IN, description: 'Item id (default id)' },
  healthUrl,
];

export const GRAPHQL_FIELDS: readonly ConnectionField[] = [
  { name: 'url', label: 'URL', kind: 'string', requiredFor: OUT, description: 'The GraphQL endpoint', placeholder: 'https://api.example.com/graphql' },
  { name: 'query', label: 'Query or mutation', kind: 'text', requiredFor: OUT, description: 'Sent per event', placeholder: 'mutation N($t: String!) { notify(type: $t) { id } }' },
  { name: 'variables', label: 'Variables', kind: 'json', description: 'JSON with placeholders, e.g. {"t": "{{event.type}}"}' },
  { name: 'operation_name', label: 'Operation name', kind: 'string', description: 'When the document has several' },
  headers,
];

export const GRPC_FIELDS: readonly ConnectionField[] = [
  { name: 'address', label: 'Address', kind: 'string', requiredFor: OUT, description: 'host:port', placeholder: 'notifier.internal:50051' },
  { name: 'proto', label: 'Proto', kind: 'text', requiredFor: OUT, description: 'The .proto text (imports of google/protobuf only)' },
  { name: 'service', label: 'Service', kind: 'string', requiredFor: OUT, description: 'Fully qualified, e.g. acme.v1.Notifier' },
  { name: 'method', label: 'Method', kind: 'string', requiredFor: OUT, description: 'A unary method, e.g. Notify' },
  { name: 'request_template', label: 'Request template', kind: 'json', description: 'Event → request message, e.g. {"id": "{{event.id}}"}' },
  { name: 'tls', label: 'TLS', kind: 'boolean', description: 'Connect with TLS (needed for CERTIFICATE auth)' },
  { name: 'ca', label: 'CA certificate', kind: 'text', description: 'PEM, for a private CA' },
  { name: 'health_service', label: 'Health service name', kind: 'string', description: 'For grpc.health.v1.Health/Check' },
];

export const EVENT_BUS_FIELDS: readonly ConnectionField[] = [
  { name: 'provider', label: 'Provider', kind: 'select', options: ['nats', 'eventbridge'], requiredFor: [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL], description: 'NATS, or Amazon EventBridge (outbound)' },
  { name: 'servers', label: 'NATS servers', kind: 'list', description: 'nats://host:port, every cluster member', placeholder: 'nats://nats.example.com:4222' },
  { name: 'subject', label: 'Publish subject', kind: 'string', directions: OUT, description: 'NATS: where events are published' },
  { name: 'subjects', label: 'Subscribe subjects', kind: 'list', directions: IN, description: 'NATS: subjects to receive (wildcards allowed)' },
  { name: 'queue', label: 'Queue group', kind: 'string', directions: IN, description: 'Default aws-mcp-<integration id>' },
  { name: 'jetstream', label: 'JetStream', kind: 'boolean', description: 'Publish with ack and Nats-Msg-Id; inbound: a durable consumer' },
  { name: 'stream', label: 'Stream', kind: 'string', directions: IN, description: 'JetStream inbound: the stream' },
  { name: 'durable', label: 'Durable name', kind: 'string', directions: IN, description: 'JetStream inbound: the consumer' },
  { name: 'tls', label: 'TLS', kind: 'boolean', description: 'NATS over TLS only' },
  { name: 'region', label: 'AWS region', kind: 'string', description: 'EventBridge' },
  { name: 'event_bus_name', label: 'Event bus', kind: 'string', description: 'EventBridge (default: default)' },
  { name: 'source', label: 'Source', kind: 'string', description: 'EventBridge Source of each entry' },
  { name: 'detail_type', label: 'Detail type', kind: 'string', description: 'EventBridge DetailType of each entry' },
  { name: 'endpoint', label: 'Endpoint', kind: 'string', description: 'EventBridge: a custom endpoint URL' },
];

export const MESSAGE_QUEUE_FIELDS: readonly ConnectionField[] = [
  { name: 'queue_url', label: 'Queue URL', kind: 'string', requiredFor: [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL], description: 'The SQS queue', placeholder: 'https://sqs.us-east-1.amazonaws.com/123456789012/alerts' },
  { name: 'region', label: 'Region', kind: 'string', description: 'Default: from the queue URL' },
  { name: 'endpoint', label: 'Endpoint', kind: 'string', description: 'A custom SQS endpoint' },
  { name: 'message_group_id', label: 'Message group id', kind: 'string', directions: OUT, description: 'FIFO queues' },
  { name: 'wait_time_seconds', label: 'Long poll (s)', kind: 'number', directions: IN, description: 'Default 20' },
  { name: 'visibility_timeout', label: 'Visibility timeout (s)', kind: 'number', directions: IN, description: 'Default: the queue’s' },
  { name: 'max_messages', label: 'Messages per receive', kind: 'number', directions: IN, description: '1-10' },
];

export const DATABASE_FIELDS: readonly ConnectionField[] = [
  { name: 'host', label: 'Host', kind: 'string', description: 'Or a connection string below' },
  { name: 'port', label: 'Port', kind: 'number', description: 'Default 5432' },
  { name: 'database', label: 'Database', kind: 'string', description: '' },
  { name: 'user', label: 'User', kind: 'string', description: 'Or BASIC auth' },
  { name: 'password', label: 'Password', kind: 'secret', description: 'Or BASIC auth' },
  { name: 'connection_string', label: 'Connection string', kind: 'string', description: 'postgres://… without a password' },
  { name: 'ssl', label: 'TLS', kind: 'boolean', description: 'Connect with TLS' },
  { name: 'ca', label: 'CA certificate', kind: 'text', description: 'PEM, for a private CA (e.g. Amazon RDS’s)' },
  { name: 'table', label: 'Table', kind: 'string', requiredFor: [Direction.OUTBOUND, Direction.INBOUND, Direction.BIDIRECTIONAL], description: 'schema.table', placeholder: 'public.integration_events' },
  { name: 'cursor_column', label: 'Cursor column', kind: 'string', requiredFor: IN, directions: IN, description: 'Inbound: rows with a larger value are new' },
  { name: 'cursor_start', label: 'Cursor start', kind: 'string', directions: IN, description: 'Inbound: start after this value' },
  { name: 'poll_interval_seconds', label: 'Poll every (s)', kind: 'number', directions: IN, description: '' },
  { name: 'batch_size', label: 'Batch size', kind: 'number', directions: IN, description: 'Rows per poll' },
];

export const FILE_FIELDS: readonly ConnectionField[] = [
  { name: 'path', label: 'Output file', kind: 'string', requiredFor: OUT, directions: OUT, description: 'Relative to the data directory', placeholder: 'exports/events.jsonl' },
  { name: 'format', label: 'Format', kind: 'select', options: ['jsonl', 'csv'], description: 'Default jsonl' },
  { name: 'rotate', label: 'Rotate', kind: 'select', options: ['daily'], directions: OUT, description: 'A new file each day' },
  { name: 'rotate_bytes', label: 'Rotate at (bytes)', kind: 'number', directions: OUT, description: 'A new file past this size' },
  { name: 'inbox_dir', label: 'Inbox folder', kind: 'string', requiredFor: IN, directions: IN, description: 'Inbound: files dropped here are read, then moved to processed/' },
  { name: 'poll_interval_seconds', label: 'Poll every (s)', kind: 'number', directions: IN, description: '' },
  { name: 'max_file_bytes', label: 'Largest file (bytes)', kind: 'number', directions: IN, description: 'Larger files go to rejected/' },
];
