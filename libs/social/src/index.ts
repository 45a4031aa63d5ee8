export * from './notifier';
export * from './friends.service';
export * from './blocks.service';
export * from './group-membership.cache';
export * from './groups.service';
export * from './social.module';
export * from './presence.service';
