/** Conversation ids are derived, never stored: one per unordered user pair, one per group. */
export function directConversationId(a: string, b: string): string {
  return a < b ? `d:${a}:${b}` : `d:${b}:${a}`;
}

export function groupConversationId(groupId: string): string {
  return `g:${groupId}`;
}

export type ParsedConversationId = { kind: 'direct'; userIds: [string, string] } | { kind: 'group'; groupId: string };

export function parseConversationId(id: string): ParsedConversationId | null {
  const parts = id.split(':');
  if (parts[0] === 'd' && parts.length === 3 && parts[1] && parts[2])
    return { kind: 'direct', userIds: [parts[1], parts[2]] };
  if (parts[0] === 'g' && parts.length === 2 && parts[1]) return { kind: 'group', groupId: parts[1] };
  return null;
}
