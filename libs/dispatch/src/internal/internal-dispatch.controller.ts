import { SwitchboardConfig } from '@app/config';
import { DispatchCommand, DomainError, ErrorCode, SharedSecret } from '@app/core';
import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { MessageDispatchService } from '../dispatch/message-dispatch.service';
import {
  DISPATCH_BATCH_PATTERN,
  DISPATCH_PING_PATTERN,
  DispatchBatchReply,
  DispatchBatchRequest,
  DispatchOutcome,
} from './internal-dispatch.contract';

/**
 * message-dispatch's side of the internal dispatch API (@MessagePattern over the TCP transport). The sends of one
 * request start in the same turn, so their Redis commands share one auto-pipelined write and their publishes go out
 * together; each entry is answered on its own (one refusal does not fail its neighbours).
 */
@Controller()
export class InternalDispatchController {
  private readonly logger = new Logger(InternalDispatchController.name);
  private readonly secret?: SharedSecret;

  constructor(
    private readonly dispatch: MessageDispatchService,
    config: SwitchboardConfig,
  ) {
    const expected = (config as { INTERNAL_SECRET?: string }).INTERNAL_SECRET;
    if (expected) this.secret = new SharedSecret(expected);
  }

  @MessagePattern(DISPATCH_BATCH_PATTERN)
  async dispatchBatch(@Payload() request: DispatchBatchRequest): Promise<DispatchBatchReply> {
    this.authenticate(request?.secret);
    if (!Array.isArray(request.commands))
      throw new RpcException({ code: ErrorCode.ValidationFailed, message: 'malformed dispatch batch' });
    // a malformed command is refused alone: the other sends of the same gateway turn go on
    const outcomes = await Promise.all(
      request.commands.map((command: unknown) =>
        isCommand(command)
          ? this.outcomeOf(command)
          : { error: { code: ErrorCode.ValidationFailed, message: 'malformed dispatch command' } },
      ),
    );
    return { outcomes };
  }

  @MessagePattern(DISPATCH_PING_PATTERN)
  ping(@Payload() request: { secret: string }): { ok: true } {
    this.authenticate(request?.secret);
    return { ok: true };
  }

  private async outcomeOf(command: DispatchCommand): Promise<DispatchOutcome> {
    try {
      return { ok: await this.dispatch.dispatch(command) };
    } catch (error) {
      if (error instanceof DomainError) return { error: { code: error.code, message: error.message } };
      this.logger.warn({ err: error }, 'dispatch failed');
      return { error: { code: ErrorCode.DependencyUnavailable, message: 'message-dispatch failed, try again' } };
    }
  }

  private authenticate(secret: unknown): void {
    if (!this.secret?.matches(secret))
      throw new RpcException({ code: ErrorCode.Unauthenticated, message: 'internal secret required' });
  }
}

/** A structural check: the caller is an authenticated gateway, whose own DTOs validated the user's input. */
function isCommand(value: unknown): value is DispatchCommand {
  const c = value as Partial<DispatchCommand> | null;
  return (
    typeof c === 'object' &&
    c !== null &&
    typeof c.type === 'number' &&
    typeof c.senderId === 'string' &&
    Array.isArray(c.recipientIds) &&
    c.recipientIds.length > 0 &&
    c.recipientIds.every((id) => typeof id === 'string') &&
    typeof c.storeInHistory === 'boolean' &&
    (c.clientMsgId === undefined || typeof c.clientMsgId === 'string') &&
    (c.body === undefined || typeof c.body === 'string')
  );
}
