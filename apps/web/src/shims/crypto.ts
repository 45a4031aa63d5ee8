/** Browser stand-in for the SDK's `node:crypto` import (pages on localhost or https have crypto.randomUUID). */
export const randomUUID = (): string => globalThis.crypto.randomUUID();
