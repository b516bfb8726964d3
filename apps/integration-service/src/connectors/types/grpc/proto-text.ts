import { PackageDefinition, fromJSON, MethodDefinition } from '@grpc/proto-loader';
import { common, parse, Root } from 'protobufjs';

/**
 * Loads a .proto from text held in the integration's config: parsed in memory, never from the server's disk.
 * Imports are limited to the google/protobuf well-known types that protobufjs bundles.
 */

export const MAX_PROTO_CHARS = 256 * 1024;

const LOADER_OPTIONS = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export class ProtoError extends Error {}

export function loadProtoText(source: string): PackageDefinition {
  if (source.length > MAX_PROTO_CHARS) throw new ProtoError(`is longer than ${MAX_PROTO_CHARS} characters`);
  const root = new Root();
  let imports: string[];
  try {
    const parsed = parse(source, root, { keepCase: true });
    imports = [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])];
  } catch (e) {
    throw new ProtoError(`does not parse: ${(e as Error).message}`);
  }
  for (const name of imports) {
    const wellKnown = name.startsWith('google/protobuf/') ? common.get(name) : null;
    if (!wellKnown?.nested) throw new ProtoError(`imports ${name}: only google/protobuf/* well-known types may be imported`);
    root.addJSON(wellKnown.nested);
  }
  try {
    root.resolveAll();
    return fromJSON(root.toJSON(), LOADER_OPTIONS);
  } catch (e) {
    throw new ProtoError(`does not resolve: ${(e as Error).message}`);
  }
}

/** The unary method `service/method` of a loaded definition, or why there is none. */
export function findUnaryMethod(def: PackageDefinition, service: string, method: string): MethodDefinition<object, object> | { problem: { field: 'service' | 'method'; message: string } } {
  const svc = def[service] as Record<string, MethodDefinition<object, object>> | undefined;
  // Messages and enums live in the same map; only services hold method definitions (with a path).
  if (!svc || typeof svc !== 'object' || 'format' in svc || !Object.values(svc).some((m) => typeof m?.path === 'string')) {
    return { problem: { field: 'service', message: `no service ${service} in the proto (use the package-qualified name)` } };
  }
  const m = svc[method];
  if (!m || typeof m.path !== 'string') return { problem: { field: 'method', message: `${service} has no method ${method}` } };
  if (m.requestStream || m.responseStream) return { problem: { field: 'method', message: `${method} streams; only unary methods are supported` } };
  return m;
}

/** grpc/grpc-proto health/v1/health.proto (Apache-2.0), without the options block. */
export const HEALTH_PROTO = `
syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse {
  enum ServingStatus { UNKNOWN = 0; SERVING = 1; NOT_SERVING = 2; SERVICE_UNKNOWN = 3; }
  ServingStatus status = 1;
}
message HealthListRequest {}
message HealthListResponse { map<string, HealthCheckResponse> statuses = 1; }
service Health {
  rpc Check(HealthCheckRequest) returns (HealthCheckResponse);
  rpc List(HealthListRequest) returns (HealthListResponse);
  rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse);
}
`;

let health: PackageDefinition | undefined;
export function healthDefinition(): PackageDefinition {
  return (health ??= loadProtoText(HEALTH_PROTO));
}
