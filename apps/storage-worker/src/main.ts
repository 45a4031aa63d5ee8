import 'reflect-metadata';
import { loadConfig, StorageWorkerConfig } from '@app/config';
import { configureHttpApp, createHttpApp, exitOnBootFailure } from '@app/platform';
import { RocketMqServer } from '@app/rocketmq';
import { MicroserviceOptions } from '@nestjs/microservices';
import { StorageWorkerModule } from './storage-worker.module';

async function main(): Promise<void> {
  const config = loadConfig(StorageWorkerConfig);
  const app = await createHttpApp(StorageWorkerModule.register(config), config, { abortOnError: false });
  configureHttpApp(app, { title: 'Switchboard storage-worker', swagger: false });
  // a Nest microservice on RocketMQ: each @EventPattern(<group>) handler is that consumer group's batch loop
  app.connectMicroservice<MicroserviceOptions>({
    strategy: new RocketMqServer({
      endpoints: config.ROCKETMQ_ENDPOINTS,
      topic: config.ROCKETMQ_TOPIC,
      groupPrefix: config.ROCKETMQ_GROUP_PREFIX,
      invisibleDurationMs: config.ROCKETMQ_INVISIBLE_MS,
      batchSize: config.ROCKETMQ_BATCH_SIZE,
      awaitDurationMs: config.ROCKETMQ_AWAIT_MS,
      receiveLingerMs: config.ROCKETMQ_RECEIVE_LINGER_MS,
    }),
  });
  await app.startAllMicroservices();
  await app.listen(config.PORT, config.HOST);
  console.log(`storage-worker listening on ${await app.getUrl()}`);
}

main().catch(exitOnBootFailure('storage-worker'));
