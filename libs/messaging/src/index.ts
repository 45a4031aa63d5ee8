export * from './send/send-message.use-case';
export * from './history/history-query.service';
export * from './messaging.module';
export { RecipientDto, SendMessageDto } from './dto/messaging.dto';
