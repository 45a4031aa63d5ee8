import {
  AckRequest,
  ConnectedEvent,
  NoticeEvent,
  PresenceEvent,
  PushErrorEvent,
  PushMessage,
  TypingEvent,
} from './messages';

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
  /** A system notice to everyone online: live only, no seq (it must not enter the client's sequence tracking). */
  notice: (event: NoticeEvent) => void;
  /** Someone is typing: live only, no seq, never stored. */
  typing: (event: TypingEvent) => void;
  /** A friend went online or offline (type 213): live only, no seq, never stored. */
  presence: (event: PresenceEvent) => void;
}

/** Events clients emit to the push node. */
export interface ClientToServerEvents {
  ack: (request: AckRequest) => void;
}

export const PUSH_EVENTS = {
  message: 'message',
  connected: 'connected',
  error: 'error',
  notice: 'notice',
  typing: 'typing',
  presence: 'presence',
  ack: 'ack',
} as const;
