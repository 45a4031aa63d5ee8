export * from './notifier';
export * from './friends.service';
export * from './blocks.service';
export * from './social.module';
