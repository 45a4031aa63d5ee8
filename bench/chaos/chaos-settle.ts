import { HistoryPage } from '@app/protocol';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ChaosClient } from './chaos-client';
import { HistoryLine, Population } from './chaos-log';

/** Polls `progress` (a count that only grows) until it reaches `target`, or stalls for `stallMs`, or `deadline`. */
async function until(
  progress: () => number | Promise<number>,
  target: number,
  stallMs: number,
  deadline: number,
  what: string,
): Promise<void> {
  let best = -1;
  let movedAt = Date.now();
  let printedAt = 0;
  for (;;) {
    const now = await progress();
    if (now >= target) return;
    if (now > best) [best, movedAt] = [now, Date.now()];
    if (Date.now() - printedAt > 10_000) {
      console.log(`[chaos] ${what}: ${now} of ${target}`);
      printedAt = Date.now();
    }
    if (Date.now() - movedAt > stallMs || Date.now() > deadline) {
      console.log(`[chaos] ${what}: stalled at ${now} of ${target}; the checker will count the rest`);
      return;
    }
    await sleep(1000);
  }
}

function membersOf(population: Population): Map<string, number[]> {
  return new Map([...population.pairs, ...population.groups].map((c) => [c.conv, c.members]));
}

/** Waits until every send answered has been shown to every recipient (or delivery stalls), then a little longer. */
export async function awaitDeliveries(clients: ChaosClient[], population: Population, deadline: number): Promise<void> {
  const members = membersOf(population);
  const expected = () =>
    clients.flatMap((c) => c.sent.flatMap(({ body, conv }) => (members.get(conv) ?? []).filter((m) => m !== c.index).map((m) => ({ body, m }))));
  const wanted = expected();
  await until(() => wanted.filter(({ body, m }) => clients[m].shown.has(body)).length, wanted.length, 60_000, deadline, 'deliveries');
  await sleep(3000); // a duplicate would show now
}

/** Reads every conversation's history once it holds each send answered (or stalls), and writes history.jsonl. */
export async function dumpHistory(
  clients: ChaosClient[],
  population: Population,
  path: string,
  deadline: number,
): Promise<void> {
  const convs = [...population.pairs, ...population.groups];
  const sentIn = new Map<string, Set<string>>();
  for (const c of clients) for (const s of c.sent) sentIn.set(s.conv, (sentIn.get(s.conv) ?? new Set()).add(s.body));
  const read = async (conv: string, reader: ChaosClient): Promise<HistoryLine[]> => {
    const lines: HistoryLine[] = [];
    for (let before: string | undefined, first = true; first || before; first = false) {
      const page: HistoryPage = await reader.api.history(conv, { before, limit: 100 });
      lines.push(...page.items.map((m) => ({ conv, messageId: m.messageId, body: m.body, senderId: m.senderId })));
      before = page.nextBefore;
    }
    return lines;
  };
  const got = new Map<string, HistoryLine[]>();
  const complete = (conv: string) => {
    const bodies = new Set((got.get(conv) ?? []).map((h) => h.body));
    return [...(sentIn.get(conv) ?? [])].every((b) => bodies.has(b));
  };
  await until(
    async () => {
      for (const { conv, members } of convs) {
        if (got.has(conv) && complete(conv)) continue;
        got.set(conv, await read(conv, clients[members[0]]).catch(() => got.get(conv) ?? []));
      }
      return convs.filter(({ conv }) => complete(conv)).length;
    },
    convs.length,
    60_000,
    deadline,
    'conversations whose history holds every send',
  );
  const out = createWriteStream(path);
  for (const lines of got.values()) for (const line of lines) out.write(`${JSON.stringify(line)}\n`);
  await new Promise((resolve) => out.end(resolve));
}
