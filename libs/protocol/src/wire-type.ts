/**
 * Numeric wire types carried by every pushed message (see docs/architecture.md, 'The client's interface'). This is the
 * one place they are defined; the README's wire-type table mirrors it.
 */
export enum WireType {
  FriendMessage = 101,
  GroupMessage = 102,
  Connected = 201,
  ConnectionError = 202,
  FriendRequestReceived = 203,
  GroupJoinRequestReceived = 204,
  FriendRequestAccepted = 205,
  GroupJoinApproved = 206,
  RequestRejected = 207,
  /** A message was recalled by its sender: inbox entry to every participant; `data`: `MessageRecalledData`. */
  MessageRecalled = 208,
  /** A participant's read watermark moved: inbox entry to the others; `data`: `ReadReceiptData`. */
  ReadReceipt = 209,
  /**
   * A system notice. To a user or a group: an inbox entry (`body` = the text, `senderId` = 'system', `data`:
   * `SystemNoticeData`); to everyone online: the live-only `notice` socket event (`NoticeEvent`). Shapes in messages.ts.
   */
  SystemNotice = 210,
  /**
   * This session was ended by a newer login of the same user (multi-device policy): the `error` socket event with
   * code `SESSION_REPLACED`, then a disconnect. The token is revoked; the client must not reconnect with it.
   */
  Kicked = 211,
  /** Someone is typing: the live-only `typing` socket event (`TypingEvent` in messages.ts); never an inbox entry. */
  Typing = 212,
  /** A friend went online or offline: the live-only `presence` socket event (`PresenceEvent` in messages.ts). */
  Presence = 213,
  /** Placeholder for an inbox sequence number that was allocated but will never carry a message. */
  SequenceBurnt = 214,
  /**
   * A group owner or admin invited you (you are not their friend, so you were not added directly): an inbox entry;
   * `data`: `GroupInvitationData`. Accept or decline with `POST /groups/invitations/:id/accept|decline`.
   */
  GroupInvitation = 215,
}
