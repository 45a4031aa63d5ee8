import { v7 as uuidv7 } from 'uuid';

/** Time-ordered, globally unique ids (UUIDv7): they sort by creation time, so they double as history cursors. */
export function newTimeOrderedId(): string {
  return uuidv7();
}
