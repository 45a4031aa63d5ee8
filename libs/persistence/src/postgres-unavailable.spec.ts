import { DependencyUnavailableError, ErrorCode } from '@app/core';
import { freePort } from '@app/testing';
import { SqliteError } from 'better-sqlite3';
import { createServer, Server, Socket } from 'node:net';
import { Client, DatabaseError, Pool } from 'pg';
import { DataSource, QueryFailedError } from 'typeorm';
import { isPostgresUnavailable } from './postgres-unavailable';
import { RelationalStoreHealth } from './relational-store-health';
import { UsersRepository } from './repositories/users.repository';

/** A server error as pg builds it from the wire, wrapped the way TypeORM throws it from a query. */
function serverError(code: string, message: string): QueryFailedError {
  const error = new DatabaseError(message, 0, 'error');
  error.code = code;
  return new QueryFailedError('SELECT 1', [], error);
}

/** A TCP server that accepts connections and then does `behave` to each: PostgreSQL as a dead or stuck peer. */
async function fakeServer(behave: (socket: Socket) => void): Promise<{ port: number; server: Server }> {
  const server = createServer(behave);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('isPostgresUnavailable', () => {
  const servers: Server[] = [];
  const held: Socket[] = [];
  afterAll(async () => {
    held.forEach((s) => s.destroy());
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('recognises a refused connection, as pg reports it', async () => {
    const refused = await new Client({ host: '127.0.0.1', port: await freePort() }).connect().catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isPostgresUnavailable(refused)).toBe(true);
  });

  it('recognises a connection the server ends, and a pool that gets no connection in time', async () => {
    const hangUp = await fakeServer((socket) => socket.destroy());
    const stuck = await fakeServer((socket) => held.push(socket));
    servers.push(hangUp.server, stuck.server);

    const ended = await new Client({ host: '127.0.0.1', port: hangUp.port }).connect().catch((e: unknown) => e);
    expect((ended as Error).message).toBe('Connection terminated unexpectedly');
    expect(isPostgresUnavailable(ended)).toBe(true);

    const pool = new Pool({ host: '127.0.0.1', port: stuck.port, connectionTimeoutMillis: 100 });
    const timedOut = await pool.query('SELECT 1').catch((e: unknown) => e);
    await pool.end();
    expect((timedOut as Error).message).toMatch(/timeout/);
    expect(isPostgresUnavailable(timedOut)).toBe(true);
  });

  it('recognises the server saying it cannot serve now, through TypeORM', () => {
    expect(isPostgresUnavailable(serverError('57P01', 'terminating connection due to administrator command'))).toBe(
      true,
    );
    expect(isPostgresUnavailable(serverError('57P03', 'the database system is starting up'))).toBe(true);
    expect(isPostgresUnavailable(serverError('08006', 'connection failure'))).toBe(true);
    expect(isPostgresUnavailable(serverError('53300', 'sorry, too many clients already'))).toBe(true);
  });

  it("does not take a refused query, SQLite's errors or a bug for an outage", () => {
    expect(isPostgresUnavailable(serverError('23505', 'duplicate key value violates unique constraint'))).toBe(false);
    expect(isPostgresUnavailable(serverError('40001', 'could not serialize access'))).toBe(false);
    expect(isPostgresUnavailable(serverError('42P01', 'relation "users" does not exist'))).toBe(false);
    expect(isPostgresUnavailable(new SqliteError('database is locked', 'SQLITE_BUSY'))).toBe(false);
    expect(isPostgresUnavailable(new TypeError('x is undefined'))).toBe(false);
    expect(isPostgresUnavailable(null)).toBe(false);
  });
});

describe('the relational store adapters when PostgreSQL is down', () => {
  /** A DataSource whose every query fails with `error`. */
  function failingWith(error: unknown): DataSource {
    const fail = () => Promise.reject(error);
    return {
      getRepository: () => ({ findOneBy: fail, insert: fail, create: (v: unknown) => v }),
      query: fail,
    } as unknown as DataSource;
  }

  it('throw DependencyUnavailableError naming postgres, with the driver error as its cause', async () => {
    const down = serverError('57P01', 'terminating connection due to administrator command');
    const error = await new UsersRepository(failingWith(down)).findById('u').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error).toMatchObject({
      code: ErrorCode.DependencyUnavailable,
      message: 'postgres is unavailable, try again',
    });
    expect((error as Error).cause).toBe(down);

    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(new RelationalStoreHealth(failingWith(refused)).ping()).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  it('keep their own translations of what the database refused', async () => {
    const users = new UsersRepository(failingWith(serverError('23505', 'duplicate key')));
    await expect(
      users.create({ id: 'u', username: 'Alice', nickname: 'Alice', passwordHash: 'x', createdAt: 0 }),
    ).rejects.toMatchObject({ code: ErrorCode.UsernameTaken });
  });
});
