import { ValueTransformer } from 'typeorm';

/** Timestamps are stored as epoch milliseconds (bigint) so SQLite and PostgreSQL behave the same; pg returns strings. */
export const epochMs: ValueTransformer = {
  to: (value: number | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
