import type { OutboundMessage } from '@app/protocol';
import type { PushSocket } from './socket-registry';

/**
 * A `message` event encoded once per message for every recipient: socket.io's own `emit` serializes per socket and
 * walks the payload looking for binary first (`hasBinary`); a chat message is plain JSON, so the packet text of the
 * default namespace (`2["message",{…}]`, socket.io protocol v5) is built from one JSON.stringify, with each
 * recipient's `seq` put in front.
 */
export function messagePackets(message: OutboundMessage): (seq: number) => string {
  const rest = JSON.stringify(message).slice(1); // `…}` after the opening brace; a message always has fields
  return (seq) => `2["message",{"seq":${seq},${rest}]`;
}

/**
 * Writes an encoded packet straight to the socket's engine.io connection (what socket.io does with a pre-encoded
 * broadcast), only while it is open, like `emit`.
 */
export function writePacket(socket: PushSocket, packet: string): boolean {
  if (socket.conn.readyState !== 'open') return false;
  socket.conn.write(packet);
  return true;
}
