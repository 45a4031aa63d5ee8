import { AckRequest, ConnectedEvent, PushErrorEvent, PushMessage } from './messages';

/** Handshake `auth` payload a client sends when it connects to a push node. */
export interface PushHandshakeAuth {
  token: string;
  /** Highest contiguous seq the client holds; the node replays the inbox after it. */
  lastSeq?: number;
}

/** Events the push node emits to clients. Used by the server, the SDK and the tests. */
export interface ServerToClientEvents {
  message: (message: PushMessage) => void;
  connected: (event: ConnectedEvent) => void;
  error: (event: PushErrorEvent) => void;
}

/** Events clients emit to the push node. */
export interface ClientToServerEvents {
  ack: (request: AckRequest) => void;
}

export const PUSH_EVENTS = {
  message: 'message',
  connected: 'connected',
  error: 'error',
  ack: 'ack',
} as const;
