import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { Groups1763900000000 } from './1763900000000-groups';
import { ReadReceipts1764000000000 } from './1764000000000-read-receipts';
import { GroupInvitations1764100000000 } from './1764100000000-group-invitations';

export const MIGRATIONS = [
  InitialSchema1763800000000,
  Groups1763900000000,
  ReadReceipts1764000000000,
  GroupInvitations1764100000000,
];
