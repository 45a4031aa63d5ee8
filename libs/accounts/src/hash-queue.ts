import { SwitchboardConfig } from '@app/config';
import { DomainError, ErrorCode } from '@app/core';
import { Injectable } from '@nestjs/common';
import { Semaphore } from 'async-mutex';

/**
 * A bounded queue in front of password hashing: at most `PASSWORD_HASH_CONCURRENCY` argon2 runs at once (each takes
 * 64 MiB and a libuv thread, which the rest of the server needs too), at most `PASSWORD_HASH_QUEUE_MAX` waiting; past
 * that a login storm is refused at once with 503 AUTH_BUSY instead of starving everything else.
 */
@Injectable()
export class HashQueue {
  private readonly slots: Semaphore;
  private waiting = 0;

  constructor(private readonly config: SwitchboardConfig) {
    this.slots = new Semaphore(config.PASSWORD_HASH_CONCURRENCY);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.slots.isLocked()) {
      if (this.waiting >= this.config.PASSWORD_HASH_QUEUE_MAX) {
        throw new DomainError(ErrorCode.AuthBusy, 'too many logins in progress, retry in a moment');
      }
      this.waiting++;
      try {
        return await this.slots.runExclusive(work);
      } finally {
        this.waiting--;
      }
    }
    return this.slots.runExclusive(work);
  }
}
