import type { FriendRequestView, PresenceData, PublicUser, PushMessage } from '@switchboard/client';
import { WireType } from '@switchboard/client';
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { extraApi } from '../api';
import { errorText } from '../errors';
import { t } from '../i18n';
import { notify } from '../notify';
import { useSession } from './session';
import { useUsers } from './users';

/** Friends, their presence, friend requests and blocks. */
export const useSocial = defineStore('social', () => {
  const friends = ref<PublicUser[]>([]);
  const presence = reactive(new Map<string, PresenceData>());
  const requests = ref<FriendRequestView[]>([]);
  const blocked = ref<string[]>([]);
  const error = ref<string>();

  const client = () => useSession().client;
  const me = () => useSession().user?.id;

  async function load(): Promise<void> {
    const c = client();
    if (!c) return;
    try {
      const [f, p, r, b] = await Promise.all([c.friends(), c.friendsPresence(), c.friendRequests(), extraApi.blocks(c)]);
      useUsers().remember(...f);
      friends.value = f;
      presence.clear();
      for (const x of p) presence.set(x.userId, x);
      requests.value = r.filter((x) => x.status === 'pending' && x.toUserId === me());
      blocked.value = b;
      error.value = undefined;
    } catch (e) {
      error.value = errorText(e);
    }
  }

  function onPresence(data: PresenceData): void {
    presence.set(data.userId, data);
  }

  function onPush(m: PushMessage): void {
    const data = (m.data ?? {}) as { from?: PublicUser };
    if (m.type === WireType.FriendRequestReceived) {
      useUsers().remember(data.from);
      notify(t('friendRequestFrom', { name: useUsers().name(m.senderId) }), m.body ?? '');
      void load();
    } else if (m.type === WireType.FriendRequestAccepted) void load();
    else if (m.type === WireType.RequestRejected) {
      notify(t('requestRejected'), '', 'warning');
      void load();
    }
  }

  /** Runs a call and reloads; the API's message is returned for showing in place. */
  async function act(call: () => Promise<unknown>): Promise<string | undefined> {
    try {
      await call();
      await load();
      return undefined;
    } catch (e) {
      return errorText(e);
    }
  }

  const c = () => client()!;
  return {
    friends,
    presence,
    requests,
    blocked,
    error,
    load,
    onPresence,
    onPush,
    search: async (prefix: string) => {
      const users = await extraApi.searchUsers(c(), prefix);
      useUsers().remember(...users);
      return users.filter((u) => u.id !== me());
    },
    request: (userId: string) => act(() => c().requestFriend(userId)),
    accept: (id: string) => act(() => c().acceptFriend(id)),
    reject: (id: string) => act(() => c().rejectFriend(id)),
    unfriend: (userId: string) => act(() => c().unfriend(userId)),
    block: (userId: string) => act(() => c().block(userId)),
    unblock: (userId: string) => act(() => c().unblock(userId)),
    reset: () => {
      friends.value = [];
      presence.clear();
      requests.value = [];
      blocked.value = [];
    },
  };
});
