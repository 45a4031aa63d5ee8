import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { dataSourceOptions, RelationalStoreConfig } from './data-source-options';
import { RelationalStoreHealth } from './relational-store-health';
import { GroupsRepository } from './repositories/groups.repository';
import { ReadReceiptsRepository } from './repositories/read-receipts.repository';
import { SocialGraphRepository } from './repositories/social-graph.repository';
import { UsersRepository } from './repositories/users.repository';

/**
 * Everything this lib offers the rest of the app. Each class is decorated with
 * `@TranslateUnavailable('postgres', isPostgresUnavailable)`: services reach the relational store only through these
 * classes (typeorm and pg are confined to this lib by `npm run lint:deps`), so their methods are the boundary every
 * caller shares. Translating there, rather than in a TypeORM driver hook, leaves TypeORM's own rollback and the
 * repositories' own handling of driver errors (unique violations → domain errors) working on the raw error.
 */
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
