/** Error names AWS and the SDK use for throttling and transient failures: worth running the collector again. */
const TRANSIENT = new Set([
  'ThrottlingException', 'Throttling', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled',
  'RequestThrottledException', 'SlowDown', 'ProvisionedThroughputExceededException', 'PriorRequestNotComplete', 'EC2ThrottledException',
  'ServiceUnavailable', 'InternalError', 'InternalFailure', 'TimeoutError', 'RequestTimeout', 'RequestTimeoutException',
]);

export function isTransientAwsError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const meta = (e as { $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string }).$metadata;
  if ((e as { $retryable?: unknown }).$retryable) return true;
  if (TRANSIENT.has(e.name)) return true;
  if (meta?.httpStatusCode !== undefined && (meta.httpStatusCode >= 500 || meta.httpStatusCode === 429)) return true;
  return ['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'].includes((e as { code?: string }).code ?? '');
}
