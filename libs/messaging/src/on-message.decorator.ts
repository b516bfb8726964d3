import { SetMetadata } from '@nestjs/common';

export const ON_MESSAGE_METADATA = 'mcp:on-message';

export interface OnMessageOptions {
  /** Every instance answers (no queue group), e.g. for scatter-gather pings. Default: one per service. */
  everyInstance?: boolean;
}

/**
 * Marks a method as the handler of a request subject. The app's queue group is applied, so each request is
 * served by one replica. The method gets the raw payload: validate it with `validateInto` from contracts.
 */
export const OnMessage = (subject: string, options: OnMessageOptions = {}) => SetMetadata(ON_MESSAGE_METADATA, { subject, ...options });
