import { DomainError, ErrorCode, TranslateUnavailable } from '@app/core';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { UserEntity } from '../entities';
import { isUniqueViolation } from '../data-source-options';
import { isPostgresUnavailable } from '../postgres-unavailable';

@Injectable()
@TranslateUnavailable('postgres', isPostgresUnavailable)
export class UsersRepository {
  private readonly users: Repository<UserEntity>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.users = dataSource.getRepository(UserEntity);
  }

  async create(user: Omit<UserEntity, 'usernameKey'>): Promise<UserEntity> {
    const entity = this.users.create({ ...user, usernameKey: user.username.toLowerCase() });
    try {
      await this.users.insert(entity);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError(ErrorCode.UsernameTaken, `username '${user.username}' is taken`);
      throw error;
    }
    return entity;
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<UserEntity[]> {
    return ids.length ? this.users.findBy({ id: In(ids) }) : Promise.resolve([]);
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ usernameKey: username.toLowerCase() });
  }

  /** Users whose name starts with `prefix` (case-insensitive); LIKE wildcards in the input are literal. */
  searchByPrefix(prefix: string, limit: number): Promise<UserEntity[]> {
    const escaped = prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);
    return this.users
      .createQueryBuilder('u')
      .where("u.username_key LIKE :pattern ESCAPE '\\'", { pattern: `${escaped}%` })
      .orderBy('u.username_key')
      .limit(limit)
      .getMany();
  }
}
