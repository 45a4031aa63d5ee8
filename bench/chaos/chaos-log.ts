/** One line of a client's log (JSONL): what it sent (answered 2xx), what it showed, what it gave up on. */
export type ClientLogLine =
  | { ev: 'sent'; at: number; body: string; conv: string; messageId: string; tries: number }
  | { ev: 'gaveup'; at: number; body: string; conv: string; error: string }
  | { ev: 'shown'; at: number; body: string; conv: string; messageId: string; seq: number; senderId: string }
  | { ev: 'skipped'; at: number; seqs: number[] }
  | { ev: 'relogin'; at: number; reason: string };

/** One message as history showed it after the run. */
export interface HistoryLine {
  conv: string;
  messageId: string;
  body: string;
  senderId: string;
}

/** Who is who: written before the traffic starts. */
export interface Population {
  run: string;
  users: { index: number; userId: string; username: string }[];
  /** 1:1 conversations: the two users' indices. */
  pairs: { conv: string; members: [number, number] }[];
  groups: { conv: string; groupId: string; members: number[] }[];
}

/** Bodies are `c:<run>:<sender index>:<k>`: the sender and its order are read back from the text itself. */
export function chaosBody(run: string, sender: number, k: number): string {
  return `c:${run}:${sender}:${k}`;
}

export function parseChaosBody(body: string): { run: string; sender: number; k: number } | undefined {
  const m = /^c:([0-9a-f]+):(\d+):(\d+)$/.exec(body);
  return m ? { run: m[1], sender: Number(m[2]), k: Number(m[3]) } : undefined;
}
