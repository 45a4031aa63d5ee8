import { directConversationId } from '@app/protocol';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChaosClient } from './chaos-client';
import { Population } from './chaos-log';

/** Runs `work` over `items`, `width` at a time (registration hashes passwords: all at once would starve the box). */
export async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

/**
 * The users of a run, each a ChaosClient logging to `<outDir>/clients/<index>.jsonl`: user 2i and 2i+1 are friends,
 * and consecutive runs of `groupSize` users form a group (joined by request and approval). Clients alternate between
 * the two gateways. Returns the clients (connected) and who is who.
 */
export async function setUpPopulation(options: {
  run: string;
  clients: number;
  groupSize: number;
  gateways: [string, string];
  outDir: string;
}): Promise<{ clients: ChaosClient[]; population: Population }> {
  const { run, gateways, outDir } = options;
  mkdirSync(join(outDir, 'clients'), { recursive: true });
  const clients = Array.from(
    { length: options.clients },
    (_, i) =>
      new ChaosClient(
        i,
        `chaos${run}u${i}`,
        'chaos-password-1',
        gateways[i % 2],
        createWriteStream(join(outDir, 'clients', `${i}.jsonl`)),
      ),
  );
  await inBatches(clients, 16, (c) => c.register());

  const pairs: Population['pairs'] = [];
  for (let i = 0; i + 1 < clients.length; i += 2) {
    const [a, b] = [clients[i], clients[i + 1]];
    pairs.push({ conv: directConversationId(a.userId, b.userId), members: [i, i + 1] });
  }
  await inBatches(pairs, 16, async ({ members: [i, j] }) => {
    const { id } = await clients[i].api.requestFriend(clients[j].userId);
    await clients[j].api.acceptFriend(id);
  });

  const groups: Population['groups'] = [];
  const starts = Array.from({ length: Math.floor(clients.length / options.groupSize) }, (_, g) => g * options.groupSize);
  await inBatches(starts, 8, async (start) => {
    const members = Array.from({ length: options.groupSize }, (_, m) => start + m);
    const owner = clients[start];
    const group = await owner.api.createGroup(`chaos ${run} ${start}`);
    for (const m of members.slice(1)) {
      const { id } = await clients[m].api.requestToJoin(group.id);
      await owner.api.approveJoin(group.id, id);
    }
    groups.push({ conv: group.conversationId, groupId: group.id, members });
  });

  await inBatches(clients, 32, (c) => c.connect());
  const population: Population = {
    run,
    users: clients.map((c) => ({ index: c.index, userId: c.userId, username: c.username })),
    pairs,
    groups,
  };
  writeFileSync(join(outDir, 'population.json'), JSON.stringify(population));
  return { clients, population };
}
