import type { PublicUser } from '@switchboard/client';
import { defineStore } from 'pinia';
import { reactive } from 'vue';

/** Everyone the app has met (friends, search results, members, requests): ids to display names. */
export const useUsers = defineStore('users', () => {
  const byId = reactive(new Map<string, PublicUser>());

  function remember(...users: (PublicUser | undefined)[]): void {
    for (const u of users) if (u?.id) byId.set(u.id, u);
  }

  function name(id: string | undefined): string {
    if (!id) return '';
    const user = byId.get(id);
    return user ? user.nickname || user.username : id.slice(0, 8);
  }

  function reset(): void {
    byId.clear();
  }

  return { byId, remember, name, reset };
});
