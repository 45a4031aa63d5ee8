import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientLogLine, HistoryLine, parseChaosBody, Population } from './chaos-log';

/** What a chaos run did; every count but the first two (and the informational ones) must be 0. */
export interface ChaosCounts {
  /** Sends answered 2xx. */
  answered201: number;
  /** (send, recipient) pairs shown on the recipient's screen. */
  delivered: number;
  /** (send, recipient) pairs never shown. */
  lost: number;
  /** Extra showings of a message a client had already shown. */
  shownTwice: number;
  /** Showings of a sender's message after a later one of the same sender in the same conversation. */
  outOfOrder: number;
  /** Sends answered 2xx that history does not hold. */
  missingFromHistory: number;
  /** Extra history entries with the messageId a send was answered with. */
  duplicatedInHistory: number;
  /** Sends never answered although retried until the end (an outage the client could not get through). */
  unanswered: number;
  /** Apps that exited without being killed by the run (a crash; set by the run, not read from the logs). */
  crashedApps: number;
  /** History entries of a voided or burnt try (another messageId, or never answered): dispatch's tombstones drop them. */
  voidedInHistory: number;
  /** Informational: messages shown whose send was never answered. */
  shownUnanswered: number;
  /** Informational: seqs the SDK reported as no longer in the inbox. */
  skippedSeqs: number;
}

/** The counts that break the delivery contract when not 0. */
export const MUST_BE_ZERO = [
  'lost',
  'shownTwice',
  'outOfOrder',
  'missingFromHistory',
  'duplicatedInHistory',
  'unanswered',
  'voidedInHistory',
  'crashedApps',
] as const satisfies readonly (keyof ChaosCounts)[];

function readJsonl<T>(path: string): T[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/**
 * Reads a run's directory (population.json, clients/<i>.jsonl, history.jsonl) and counts what the contract forbids.
 * `details` names the first few offenders of each kind.
 */
export function checkChaos(dir: string): { counts: ChaosCounts; details: string[] } {
  const population = JSON.parse(readFileSync(join(dir, 'population.json'), 'utf8')) as Population;
  const logs = new Map<number, ClientLogLine[]>();
  for (const file of readdirSync(join(dir, 'clients')))
    logs.set(Number(file.replace('.jsonl', '')), readJsonl<ClientLogLine>(join(dir, 'clients', file)));
  return countChaos(population, logs, readJsonl<HistoryLine>(join(dir, 'history.jsonl')));
}

export function countChaos(
  population: Population,
  logs: Map<number, ClientLogLine[]>,
  history: HistoryLine[],
): { counts: ChaosCounts; details: string[] } {
  const counts: ChaosCounts = {
    answered201: 0,
    delivered: 0,
    lost: 0,
    shownTwice: 0,
    outOfOrder: 0,
    missingFromHistory: 0,
    duplicatedInHistory: 0,
    unanswered: 0,
    voidedInHistory: 0,
    crashedApps: 0,
    shownUnanswered: 0,
    skippedSeqs: 0,
  };
  const details: string[] = [];
  const examples = new Map<string, number>();
  const note = (kind: string, text: string) => {
    const n = (examples.get(kind) ?? 0) + 1;
    examples.set(kind, n);
    if (n <= 10) details.push(`${kind}: ${text}`);
  };
  const membersOf = new Map<string, number[]>();
  for (const p of population.pairs) membersOf.set(p.conv, p.members);
  for (const g of population.groups) membersOf.set(g.conv, g.members);

  const accepted = new Map<string, { sender: number; conv: string; messageId: string; at: number }>();
  for (const [index, lines] of logs)
    for (const line of lines) {
      if (line.ev === 'sent' && !accepted.has(line.body)) {
        accepted.set(line.body, { sender: index, conv: line.conv, messageId: line.messageId, at: line.at });
        counts.answered201++;
      } else if (line.ev === 'gaveup') {
        counts.unanswered++;
        note('unanswered', `${line.body} by client ${index} in ${line.conv}: ${line.error}`);
      } else if (line.ev === 'skipped') counts.skippedSeqs += line.seqs.length;
    }

  // what each client showed: how often, and whether each sender's messages came in the order they were accepted
  const shownBy = new Map<number, Map<string, number>>();
  for (const [index, lines] of logs) {
    const shown = new Map<string, number>();
    const lastK = new Map<string, number>();
    for (const line of lines) {
      if (line.ev !== 'shown') continue;
      const times = (shown.get(line.body) ?? 0) + 1;
      shown.set(line.body, times);
      if (times > 1) {
        counts.shownTwice++;
        note('shown twice', `client ${index} showed ${line.body} again (messageId ${line.messageId}, seq ${line.seq})`);
        continue;
      }
      const parsed = parseChaosBody(line.body);
      if (!parsed) continue;
      const stream = `${line.conv}/${parsed.sender}`;
      const before = lastK.get(stream) ?? -1;
      if (parsed.k < before) {
        counts.outOfOrder++;
        note('out of order', `client ${index} showed ${line.body} (seq ${line.seq}) after k=${before} of that sender`);
      }
      lastK.set(stream, Math.max(before, parsed.k));
      if (!accepted.has(line.body)) {
        counts.shownUnanswered++;
        note(
          'shown unanswered',
          `client ${index} showed ${line.body} (messageId ${line.messageId}) never answered 2xx`,
        );
      }
    }
    shownBy.set(index, shown);
  }

  for (const [body, send] of accepted)
    for (const member of membersOf.get(send.conv) ?? []) {
      if (member === send.sender) continue;
      if (shownBy.get(member)?.has(body)) counts.delivered++;
      else {
        counts.lost++;
        note('lost', `${body} (messageId ${send.messageId}, answered at ${send.at}) never shown to client ${member}`);
      }
    }

  const inHistory = new Map<string, HistoryLine[]>();
  for (const h of history) {
    if (!parseChaosBody(h.body)) continue;
    inHistory.set(h.body, [...(inHistory.get(h.body) ?? []), h]);
  }
  for (const [body, send] of accepted) {
    const entries = inHistory.get(body) ?? [];
    const same = entries.filter((h) => h.messageId === send.messageId).length;
    if (same === 0) {
      counts.missingFromHistory++;
      note('missing from history', `${body} (messageId ${send.messageId}) in ${send.conv}`);
    }
    if (same > 1) {
      counts.duplicatedInHistory += same - 1;
      note('duplicated in history', `${body} (messageId ${send.messageId}) ${same} times`);
    }
    const others = entries.filter((h) => h.messageId !== send.messageId);
    counts.voidedInHistory += others.length;
    for (const h of others) note('voided in history', `${body}: ${h.messageId} beside the answered ${send.messageId}`);
  }
  for (const [body, entries] of inHistory)
    if (!accepted.has(body)) {
      counts.voidedInHistory += entries.length;
      note('voided in history', `${body} never answered 2xx, in history as ${entries.map((h) => h.messageId)}`);
    }
  return { counts, details };
}

/** The counts as a table, the failing ones marked. */
export function formatCounts(counts: ChaosCounts): string {
  const failing = new Set<string>(MUST_BE_ZERO.filter((k) => counts[k] !== 0));
  return Object.entries(counts)
    .map(([k, v]) => `  ${k.padEnd(20)} ${String(v).padStart(9)}${failing.has(k) ? '   <-- must be 0' : ''}`)
    .join('\n');
}
