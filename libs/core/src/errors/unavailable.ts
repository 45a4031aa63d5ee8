import { DependencyUnavailableError } from './domain.error';

/** Tells an engine's "cannot reach it / it cannot serve now" failures from every other failure. */
export type UnavailabilityTest = (error: unknown) => boolean;

/**
 * What an adapter throws for `error`: a `DependencyUnavailableError` naming `dependency` (the engine's error as its
 * cause) when `isUnavailable` recognises it, else `error` itself. Already-translated errors are left as they are.
 */
export function translateUnavailable(dependency: string, isUnavailable: UnavailabilityTest, error: unknown): unknown {
  if (error instanceof DependencyUnavailableError || !isUnavailable(error)) return error;
  return new DependencyUnavailableError(dependency, error);
}

/**
 * Class decorator for an engine adapter: every method of the class (its own prototype's; getters and the constructor
 * excepted) rethrows the engine failures `isUnavailable` recognises as `DependencyUnavailableError(dependency, cause)`,
 * whether the method throws or returns a promise that rejects. The edge then answers 503 without knowing the engine
 * (see docs/architecture.md, 'Errors'). The class itself is kept (its injection metadata too); its methods are wrapped
 * in place.
 */
export function TranslateUnavailable(dependency: string, isUnavailable: UnavailabilityTest): ClassDecorator {
  return (target) => {
    const prototype = target.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
      if (name === 'constructor' || typeof descriptor?.value !== 'function') continue;
      const method = descriptor.value as (...args: unknown[]) => unknown;
      const translate = (error: unknown) => {
        throw translateUnavailable(dependency, isUnavailable, error);
      };
      const wrapped = function (this: unknown, ...args: unknown[]): unknown {
        let result: unknown;
        try {
          result = method.apply(this, args);
        } catch (error) {
          return translate(error);
        }
        return isThenable(result) ? Promise.resolve(result).catch(translate) : result;
      };
      Object.defineProperty(wrapped, 'name', { value: method.name });
      Object.defineProperty(prototype, name, { ...descriptor, value: wrapped });
    }
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Node's socket failures: refused, reset, unreachable, unresolvable — the same for every engine's client. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Whether an error's `code` is one of Node's socket failures. */
export function isNetworkFailure(code: unknown): boolean {
  return typeof code === 'string' && NETWORK_CODES.has(code);
}
