import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, RelationalStoreConfig } from './data-source-options';
import { RelationalStoreHealth } from './relational-store-health';
import { GroupsRepository } from './repositories/groups.repository';
import { ReadReceiptsRepository } from './repositories/read-receipts.repository';
import { SocialGraphRepository } from './repositories/social-graph.repository';
import { UsersRepository } from './repositories/users.repository';

const PROVIDERS = [
  UsersRepository,
  SocialGraphRepository,
  GroupsRepository,
  ReadReceiptsRepository,
  RelationalStoreHealth,
];

@Module({})
export class PersistenceModule {
  static forRoot(config: RelationalStoreConfig): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(config), retryAttempts: 2, retryDelay: 1000 })],
      providers: PROVIDERS,
      exports: PROVIDERS,
    };
  }
}
