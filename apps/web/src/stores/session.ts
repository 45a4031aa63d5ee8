import type { LoginResponse, PublicUser, PushErrorEvent } from '@switchboard/client';
import { PushErrorCode } from '@switchboard/client';
import { SwitchboardClient } from '@switchboard/client';
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import { t } from '../i18n';
import { notify } from '../notify';
import { sessionHooks } from './session-hooks';
import { useUsers } from './users';

export type ConnectionState = 'offline' | 'connecting' | 'connected' | 'reconnecting' | 'moved';

const SESSION_KEY = 'sb.session';
const lastSeqKey = (userId: string) => `sb.lastSeq.${userId}`;

/** Who is logged in, the SDK client, and the push connection's state. The token and lastSeq live in localStorage. */
export const useSession = defineStore('session', () => {
  const client = shallowRef<SwitchboardClient>();
  const user = ref<PublicUser>();
  const connection = ref<ConnectionState>('offline');

  function createClient(lastSeq: number): SwitchboardClient {
    const c = markRaw(new SwitchboardClient({ baseUrl: location.origin, lastSeq }));
    c.on('message', () => {
      // the tracker has moved past m once the listener runs: persist so a reload resumes after it
      queueMicrotask(() => localStorage.setItem(lastSeqKey(c.userId), String(c.lastSeq)));
    });
    c.on('connected', () => {
      connection.value = 'connected';
    });
    c.on('disconnected', () => {
      if (client.value === c) connection.value = 'reconnecting';
    });
    c.on('pushError', (e: PushErrorEvent) => {
      if (e.code === PushErrorCode.NodeDraining || e.code === PushErrorCode.TokenWrongNode) connection.value = 'moved';
    });
    c.on('kicked', () => {
      notify(t('sessionEnded'), '', 'warning');
      void forget();
    });
    for (const hook of sessionHooks.client) hook(c);
    return c;
  }

  function savedLastSeq(userId: string): number {
    return Number(localStorage.getItem(lastSeqKey(userId)) ?? 0) || 0;
  }

  async function start(session: LoginResponse, c: SwitchboardClient): Promise<void> {
    client.value = c;
    user.value = session.user;
    useUsers().remember(session.user);
    connection.value = 'connecting';
    try {
      await c.connect();
    } catch (error) {
      const code = (error as { event?: PushErrorEvent }).event?.code;
      // a token the node refuses will not get better: back to the login screen
      if (code === PushErrorCode.TokenInvalid || code === PushErrorCode.TokenRevoked || code === PushErrorCode.TokenMissing)
        await forget();
      else connection.value = 'reconnecting';
    }
  }

  /** Picks up the session saved by an earlier page (reload, another tab). */
  async function restore(): Promise<boolean> {
    if (client.value) return true;
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return false;
    let session: LoginResponse;
    try {
      session = JSON.parse(raw) as LoginResponse;
    } catch {
      localStorage.removeItem(SESSION_KEY);
      return false;
    }
    const c = createClient(savedLastSeq(session.user.id));
    c.session = session;
    c.http.token = session.accessToken;
    void start(session, c);
    return true;
  }

  async function login(username: string, password: string): Promise<void> {
    const probe = new SwitchboardClient({ baseUrl: location.origin });
    const session = await probe.login(username, password, { platform: 'web' });
    const c = createClient(savedLastSeq(session.user.id));
    c.session = session;
    c.http.token = session.accessToken;
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    await start(session, c);
  }

  async function register(username: string, password: string, nickname?: string): Promise<void> {
    await new SwitchboardClient({ baseUrl: location.origin }).register(username, password, nickname);
    await login(username, password);
  }

  async function logout(): Promise<void> {
    try {
      await client.value?.logout();
    } catch {
      // the token may already be revoked: the local session ends either way
    }
    await forget();
  }

  async function forget(): Promise<void> {
    client.value?.disconnect();
    client.value = undefined;
    user.value = undefined;
    connection.value = 'offline';
    localStorage.removeItem(SESSION_KEY);
    for (const hook of sessionHooks.ended) hook();
  }

  /** Another tab logged out or in: follow it. */
  window.addEventListener('storage', (e) => {
    if (e.key !== SESSION_KEY) return;
    if (!e.newValue && client.value) void forget();
  });

  return { client, user, connection, restore, login, register, logout };
});
