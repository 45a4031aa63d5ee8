import { TranslateUnavailable } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isPostgresUnavailable } from './postgres-unavailable';

/** The relational store's readiness for `/health`, so an app can check it without holding TypeORM's DataSource. */
@Injectable()
@TranslateUnavailable('postgres', isPostgresUnavailable)
export class RelationalStoreHealth {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One trivial query: rejects when the database does not answer. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
