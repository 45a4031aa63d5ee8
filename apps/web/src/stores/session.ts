import type { ConnectionState, LoginResponse, PublicUser, PushErrorEvent } from '@switchboard/client';
import { LocalStorageLastSeqStore, PushErrorCode, SwitchboardClient } from '@switchboard/client';
import { defineStore } from 'pinia';
import { markRaw, ref, shallowRef } from 'vue';
import { t } from '../i18n';
import { notify } from '../notify';
import { sessionHooks } from './session-hooks';
import { useUsers } from './users';

export type { ConnectionState };

const SESSION_KEY = 'sb.session';

/** Each user's `lastSeq` in localStorage, so a reload resumes after the last message seen. */
const lastSeqStore = new LocalStorageLastSeqStore();

/**
 * Who is logged in, the SDK client, and the push connection's state. The session (tokens) lives in localStorage,
 * re-saved whenever the SDK refreshes it; the SDK keeps `lastSeq` there too.
 */
export const useSession = defineStore('session', () => {
  const client = shallowRef<SwitchboardClient>();
  const user = ref<PublicUser>();
  const connection = ref<ConnectionState>('disconnected');

  function createClient(): SwitchboardClient {
    const c = markRaw(new SwitchboardClient({ baseUrl: location.origin, lastSeqStore }));
    c.on('state', (state) => {
      if (client.value === c) connection.value = state;
    });
    // login and every token refresh: keep the newest, so a reload (or another tab) resumes with it
    c.on('session', (session) => localStorage.setItem(SESSION_KEY, JSON.stringify(session)));
    c.on('kicked', () => {
      notify(t('sessionEnded'), '', 'warning');
      forget();
    });
    for (const hook of sessionHooks.client) hook(c);
    return c;
  }

  async function start(c: SwitchboardClient): Promise<void> {
    client.value = c;
    user.value = c.session!.user;
    useUsers().remember(c.session!.user);
    try {
      await c.connect();
    } catch (error) {
      const code = (error as { event?: PushErrorEvent }).event?.code;
      // a token the node refuses (and the SDK could not refresh) will not get better: back to the login screen
      if (code === PushErrorCode.TokenInvalid || code === PushErrorCode.TokenRevoked || code === PushErrorCode.TokenMissing)
        forget();
    }
  }

  /** Picks up the session saved by an earlier page (reload, another tab). */
  async function restore(): Promise<boolean> {
    if (client.value) return true;
    const raw = localStorage.getItem(SESSION_KEY);
    if (!raw) return false;
    try {
      const session = JSON.parse(raw) as LoginResponse;
      const c = createClient();
      c.useSession(session);
      void start(c);
      return true;
    } catch {
      localStorage.removeItem(SESSION_KEY);
      return false;
    }
  }

  async function login(username: string, password: string): Promise<void> {
    const c = createClient();
    await c.login(username, password, { platform: 'web' });
    await start(c);
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
    forget();
  }

  function forget(): void {
    client.value?.disconnect();
    client.value = undefined;
    user.value = undefined;
    connection.value = 'disconnected';
    localStorage.removeItem(SESSION_KEY);
    for (const hook of sessionHooks.ended) hook();
  }

  /** Another tab logged out, or refreshed the tokens (a refresh token is single-use): follow it. */
  window.addEventListener('storage', (e) => {
    if (e.key !== SESSION_KEY || !client.value) return;
    if (!e.newValue) {
      client.value.disconnect();
      client.value = undefined;
      user.value = undefined;
      connection.value = 'disconnected';
      for (const hook of sessionHooks.ended) hook();
      return;
    }
    const session = JSON.parse(e.newValue) as LoginResponse;
    if (session.user.id === user.value?.id && session.accessToken !== client.value.session?.accessToken)
      client.value.useSession(session);
  });

  return { client, user, connection, restore, login, register, logout };
});
