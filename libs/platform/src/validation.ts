import { BadRequestException, ParseUUIDPipe, ValidationError, ValidationPipe } from '@nestjs/common';
import { registerDecorator, ValidationOptions } from 'class-validator';

function flatten(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((m) =>
      m.startsWith(e.property) ? m.replace(e.property, path) : `${path}: ${m}`,
    );
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/** Global pipe: unknown fields are refused (not silently dropped), types converted, every problem named. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => new BadRequestException(flatten(errors)),
  });
}

/**
 * Text a person wrote: well-formed Unicode (no lone surrogates) and no NUL or other C0 controls except tab and line
 * breaks. PostgreSQL rejects NUL, and lone surrogates cannot be encoded, so both would become a 500 further down.
 */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function IsCleanText(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCleanText',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be well-formed text without control characters`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.isWellFormed() && !CONTROL_CHARS.test(value),
      },
    });
}

/** Path ids are UUIDs; anything else is a 400 that says so (not a 404 after a database round trip). */
export const UuidParam = new ParseUUIDPipe({ exceptionFactory: () => new BadRequestException('id must be a UUID') });
