import { RpcRequest, RpcResponse, RpcSubject } from '@app/contracts';
import { SetMetadata } from '@nestjs/common';
import { MessageContext } from './message-bus';

export const ON_MESSAGE_METADATA = 'mcp:on-message';

/** What a handler of `S` must be: it gets the payload validated into the contract's request class, and answers its response. */
export type RpcHandler<S extends RpcSubject> = (payload: RpcRequest<S>, ctx: MessageContext) => Promise<RpcResponse<S>>;

/**
 * Marks a method as the handler of an RPC subject. The method's type is checked against the subject's contract
 * (`RpcContracts`): a handler answering anything but the contract's response does not compile. The payload is
 * validated into the contract's request class before the method runs (VALIDATION_FAILED otherwise), and the app's
 * queue group is applied, so each request is served by one replica (every instance for `everyInstance` subjects).
 */
export function OnMessage<S extends RpcSubject>(subject: S) {
  // Only `value` is constrained: TypedPropertyDescriptor's setter would make the check invariant.
  return (target: object, key: string | symbol, descriptor: { value?: RpcHandler<S> }): void => {
    SetMetadata(ON_MESSAGE_METADATA, { subject })(target, key, descriptor as PropertyDescriptor);
  };
}
