import { setTimeout as sleep } from 'node:timers/promises';
import { ChaosClient } from './chaos-client';
import { chaosBody, Population } from './chaos-log';

/** Hands out send slots at a steady rate, up to a total, until stopped. */
class Pacer {
  issued = 0;
  private next = Date.now();
  stopped = false;

  constructor(
    private readonly total: number,
    private readonly perSecond: number,
  ) {}

  /** Waits for the next slot; false once the total is reached or the pacer is stopped. */
  async slot(): Promise<boolean> {
    if (this.stopped || this.issued >= this.total) return false;
    this.issued++;
    const at = (this.next = Math.max(this.next, Date.now()) + 1000 / this.perSecond);
    await sleep(Math.max(0, at - Date.now()));
    return !this.stopped;
  }
}

export interface Traffic {
  /** Resolves when every sender has finished its last send (answered or given up). */
  done: Promise<void>;
  /** Sends handed out so far. */
  readonly issued: number;
  /** Whether all `messages` were handed out. */
  readonly exhausted: boolean;
  /** No new sends from now on; the ones under way still finish. */
  stop(): void;
}

/**
 * Every client sends, one send at a time, to its friend or (with probability `groupShare`) its group, at a total rate
 * that spreads `messages` over `seconds`. A failed send is retried with the same clientMsgId until `sendDeadline()`.
 */
export function startTraffic(options: {
  clients: ChaosClient[];
  population: Population;
  messages: number;
  seconds: number;
  groupShare: number;
  sendDeadline: () => number;
}): Traffic {
  const { clients, population } = options;
  const pacer = new Pacer(options.messages, options.messages / Math.max(1, options.seconds));
  const friendOf = new Map<number, { conv: string; userId: string }>();
  for (const { conv, members: [a, b] } of population.pairs) {
    friendOf.set(a, { conv, userId: clients[b].userId });
    friendOf.set(b, { conv, userId: clients[a].userId });
  }
  const groupOf = new Map<number, { conv: string; groupId: string }>();
  for (const g of population.groups) for (const m of g.members) groupOf.set(m, g);

  const sender = async (client: ChaosClient): Promise<void> => {
    // start spread out, not all at the first slot
    await sleep(Math.random() * 1000);
    for (let k = 0; await pacer.slot(); k++) {
      const group = groupOf.get(client.index);
      const friend = friendOf.get(client.index)!;
      const body = chaosBody(population.run, client.index, k);
      const clientMsgId = `${population.run}-${client.index}-${k}`;
      if (group && Math.random() < options.groupShare)
        await client.send({ groupId: group.groupId }, group.conv, body, clientMsgId, options.sendDeadline());
      else await client.send({ userId: friend.userId }, friend.conv, body, clientMsgId, options.sendDeadline());
    }
  };
  const done = Promise.all(clients.map(sender)).then(() => undefined);
  return {
    done,
    get issued() {
      return pacer.issued;
    },
    get exhausted() {
      return pacer.issued >= options.messages;
    },
    stop: () => (pacer.stopped = true),
  };
}
