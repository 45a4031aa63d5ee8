import { t } from '../i18n';
import { notify } from '../notify';
import { useChat } from './chat';
import { useGroups } from './groups';
import { sessionHooks } from './session-hooks';
import { useSocial } from './social';
import { useUsers } from './users';

/** Routes the SDK client's events to the stores, and clears them when the session ends. */
export function wireStores(): void {
  sessionHooks.client.push((c) => {
    const chat = useChat();
    c.on('message', (m) => chat.onPush(m));
    c.on('connected', () => {
      void chat.loadConversations();
      void useSocial().load();
      void useGroups().load();
    });
    c.on('typing', (e) => chat.onTyping(e));
    c.on('presence', (e) => useSocial().onPresence(e.data));
    c.on('notice', (e) => notify(t('notice'), e.body));
  });
  sessionHooks.ended.push(() => {
    useChat().reset();
    useSocial().reset();
    useGroups().reset();
    useUsers().reset();
  });
}
