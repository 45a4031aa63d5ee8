import type { PublicUser } from '@switchboard/client';
import type { SwitchboardClient } from '@switchboard/client';

/** REST calls the SDK does not have (yet): typed and sent through the SDK's own HTTP client. */
export const extraApi = {
  /** `GET /users?search=`: users whose username starts with `prefix`. */
  searchUsers: (client: SwitchboardClient, prefix: string) =>
    client.http.request<PublicUser[]>('GET', '/users', undefined, { search: prefix }),
  /** `GET /blocks`: the ids of the users you blocked. */
  blocks: (client: SwitchboardClient) => client.http.request<string[]>('GET', '/blocks'),
};
