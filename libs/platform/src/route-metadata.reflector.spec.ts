import { Controller, Get, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RouteMetadataReflector } from './route-metadata.reflector';

const LIMIT = 'limit';

@SetMetadata(LIMIT, 'from-class')
@Controller('a')
class WithClassLimit {
  @Get('own')
  @SetMetadata(LIMIT, 'from-handler')
  own(): void {}

  @Get('inherited')
  inherited(): void {}
}

@Controller('b')
class WithoutLimit {
  @Get('none')
  none(): void {}
}

/** Shares WithClassLimit's handler `inherited` under a class-level limit of its own. */
@SetMetadata(LIMIT, 'from-subclass')
@Controller('c')
class Subclass extends WithClassLimit {}

describe('RouteMetadataReflector', () => {
  const plain = new Reflector();
  let memo: RouteMetadataReflector;
  let lookups: jest.SpyInstance;

  beforeEach(() => {
    memo = new RouteMetadataReflector();
    lookups = jest.spyOn(Reflector.prototype, 'getAllAndOverride');
  });
  afterEach(() => lookups.mockRestore());

  const routes: [string, object, object][] = [
    ['a handler that overrides its class', WithClassLimit.prototype.own, WithClassLimit],
    ['a handler that falls back on its class', WithClassLimit.prototype.inherited, WithClassLimit],
    ['a route with no metadata', WithoutLimit.prototype.none, WithoutLimit],
    ['a handler inherited by a controller of its own', WithClassLimit.prototype.inherited, Subclass],
  ];

  it.each(routes)('answers as Reflector does for %s, first and later calls', (_, handler, controller) => {
    const targets = [handler, controller] as never;
    const expected: unknown = plain.getAllAndOverride(LIMIT, targets);
    expect(memo.getAllAndOverride(LIMIT, targets)).toBe(expected);
    expect(memo.getAllAndOverride(LIMIT, targets)).toBe(expected);
  });

  it('reads each key once per handler and controller, an absent value too', () => {
    const own = [WithClassLimit.prototype.own, WithClassLimit] as never;
    const none = [WithoutLimit.prototype.none, WithoutLimit] as never;
    for (let i = 0; i < 5; i++) {
      memo.getAllAndOverride(LIMIT, own);
      memo.getAllAndOverride(LIMIT, none);
      memo.getAllAndOverride('other-key', own);
    }
    expect(lookups).toHaveBeenCalledTimes(3);
  });

  it('keeps the answers of one handler under two controllers apart', () => {
    const handler = WithClassLimit.prototype.inherited;
    expect(memo.getAllAndOverride(LIMIT, [handler, WithClassLimit] as never)).toBe('from-class');
    expect(memo.getAllAndOverride(LIMIT, [handler, Subclass] as never)).toBe('from-subclass');
  });

  it('passes other target lists straight to Reflector', () => {
    const one = [WithClassLimit] as never;
    expect(memo.getAllAndOverride(LIMIT, one)).toBe('from-class');
    expect(memo.getAllAndOverride(LIMIT, one)).toBe('from-class');
    expect(lookups).toHaveBeenCalledTimes(2);
  });
});
