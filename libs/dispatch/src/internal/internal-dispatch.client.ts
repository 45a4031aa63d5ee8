import {
  DependencyUnavailableError,
  DispatchCommand,
  Dispatcher,
  DispatchResult,
  DomainError,
  ErrorCode,
  readDispatchResult,
} from '@app/core';
import { ClientTCP } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import {
  DISPATCH_BATCH_MAX,
  DISPATCH_BATCH_PATTERN,
  DISPATCH_PING_PATTERN,
  DispatchPattern,
  dispatchAddress,
  DispatchBatchReply,
  DispatchBatchRequest,
  DispatchRefusal,
} from './internal-dispatch.contract';

interface Pending {
  command: DispatchCommand;
  resolve: (result: DispatchResult) => void;
  reject: (error: Error) => void;
}

const DOMAIN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * The gateway's Dispatcher in the split: one persistent TCP connection to message-dispatch (ClientTCP). The sends of
 * one event-loop turn travel as one request. A refusal comes back as the same DomainError; dispatch down, slow or
 * failing is a DependencyUnavailableError (503 for the caller), never a 201.
 */
export class RpcDispatcher implements Dispatcher {
  private readonly client: ClientTCP;
  private pending: Pending[] = [];

  constructor(private readonly options: { url: string; secret: string; timeoutMs: number }) {
    this.client = new ClientTCP(dispatchAddress(options.url));
  }

  dispatch(command: DispatchCommand): Promise<DispatchResult> {
    return new Promise((resolve, reject) => {
      // setImmediate runs after the poll phase: every request that arrived in this turn is in the batch
      if (this.pending.push({ command, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  async ping(): Promise<void> {
    try {
      await this.request(DISPATCH_PING_PATTERN, { secret: this.options.secret }, 1500);
    } catch (error) {
      throw new DependencyUnavailableError('message-dispatch', error);
    }
  }

  close(): void {
    this.client.close();
  }

  private flush(): void {
    const turn = this.pending;
    this.pending = [];
    for (let i = 0; i < turn.length; i += DISPATCH_BATCH_MAX) void this.send(turn.slice(i, i + DISPATCH_BATCH_MAX));
  }

  private async send(batch: Pending[]): Promise<void> {
    let reply: DispatchBatchReply;
    try {
      const request: DispatchBatchRequest = { secret: this.options.secret, commands: batch.map((p) => p.command) };
      reply = await this.request<DispatchBatchReply>(DISPATCH_BATCH_PATTERN, request, this.options.timeoutMs);
      if (reply?.outcomes?.length !== batch.length) throw new Error('dispatch answered a different number of sends');
    } catch (error) {
      const unavailable = new DependencyUnavailableError('message-dispatch', error);
      for (const p of batch) p.reject(unavailable);
      return;
    }
    reply.outcomes.forEach((outcome, i) => {
      // a dispatch not yet upgraded (mid-rollout) still answers every recipient's seq
      if ('ok' in outcome) batch[i].resolve(readDispatchResult(outcome.ok, batch[i].command.senderId));
      else batch[i].reject(refusal(outcome.error));
    });
  }

  private request<T>(pattern: DispatchPattern, data: unknown, ms: number): Promise<T> {
    return firstValueFrom(this.client.send<T>(pattern, data).pipe(timeout(ms)));
  }
}

function refusal({ code, message }: DispatchRefusal): DomainError {
  if (code === ErrorCode.DependencyUnavailable || !DOMAIN_CODES.has(code))
    return new DependencyUnavailableError('message-dispatch', new Error(`${code}: ${message}`));
  return new DomainError(code as ErrorCode, message);
}
