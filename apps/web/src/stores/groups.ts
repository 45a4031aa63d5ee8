import type { GroupJoinRequestView, GroupMemberView, GroupView, PublicUser, PushMessage } from '@switchboard/client';
import { WireType } from '@switchboard/client';
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { errorText } from '../errors';
import { t } from '../i18n';
import { notify } from '../notify';
import { useSession } from './session';
import { useUsers } from './users';

/** The groups we are in, their members and join requests. */
export const useGroups = defineStore('groups', () => {
  const groups = ref<GroupView[]>([]);
  const members = reactive(new Map<string, GroupMemberView[]>());
  const joinRequests = reactive(new Map<string, GroupJoinRequestView[]>());
  const error = ref<string>();

  const c = () => useSession().client!;

  async function load(): Promise<void> {
    if (!useSession().client) return;
    try {
      groups.value = await c().groups();
      error.value = undefined;
    } catch (e) {
      error.value = errorText(e);
    }
  }

  async function loadGroup(groupId: string): Promise<void> {
    const mine = await c().groupMembers(groupId);
    useUsers().remember(...mine);
    members.set(groupId, mine);
    const group = groups.value.find((g) => g.id === groupId);
    if (group && group.role !== 'member') joinRequests.set(groupId, await c().joinRequests(groupId));
    else joinRequests.delete(groupId);
  }

  function name(groupId: string | undefined): string {
    return groups.value.find((g) => g.id === groupId)?.name ?? groupId?.slice(0, 8) ?? '';
  }

  function onPush(m: PushMessage): void {
    const groupId = m.groupId ?? ((m.data ?? {}) as { groupId?: string }).groupId;
    const data = (m.data ?? {}) as { from?: PublicUser; user?: PublicUser; userId?: string; groupName?: string };
    useUsers().remember(data.from, data.user);
    if (m.type === WireType.GroupJoinRequestReceived) {
      notify(t('joinRequestFrom', { name: useUsers().name(m.senderId), group: name(groupId) }), m.body ?? '');
      if (groupId) void loadGroup(groupId).catch(() => undefined);
    } else if (m.type === WireType.GroupJoinApproved) {
      // every member hears of a new member: only the new member is told "you joined"
      const joined = data.userId === useSession().user?.id;
      void load().then(() => joined && notify(t('joinApproved', { group: name(groupId) })));
      if (groupId && !joined && members.has(groupId)) void loadGroup(groupId).catch(() => undefined);
    } else if (m.type === WireType.RequestRejected) void load();
  }

  /** Runs a call, then reloads the group list (and the group); the API's message is returned for showing in place. */
  async function act(call: () => Promise<unknown>, groupId?: string): Promise<string | undefined> {
    try {
      await call();
      await load();
      if (groupId && groups.value.some((g) => g.id === groupId)) await loadGroup(groupId);
      return undefined;
    } catch (e) {
      return errorText(e);
    }
  }

  return {
    groups,
    members,
    joinRequests,
    error,
    load,
    loadGroup,
    name,
    onPush,
    create: (groupName: string) => act(() => c().createGroup(groupName)),
    rename: (id: string, groupName: string) => act(() => c().renameGroup(id, groupName), id),
    apply: (id: string) => act(() => c().requestToJoin(id)),
    approve: (id: string, requestId: string) => act(() => c().approveJoin(id, requestId), id),
    rejectJoin: (id: string, requestId: string) => act(() => c().rejectJoin(id, requestId), id),
    invite: (id: string, userId: string) => act(() => c().invite(id, userId), id),
    remove: (id: string, userId: string) => act(() => c().removeMember(id, userId), id),
    setRole: (id: string, userId: string, role: 'admin' | 'member') => act(() => c().setGroupRole(id, userId, role), id),
    leave: (id: string) => act(() => c().leaveGroup(id)),
    transfer: (id: string, userId: string) => act(() => c().transferGroup(id, userId), id),
    dissolve: (id: string) => act(() => c().dissolveGroup(id)),
    reset: () => {
      groups.value = [];
      members.clear();
      joinRequests.clear();
    },
  };
});
