import { DependencyUnavailableError, DomainError } from './domain.error';
import { ErrorCode } from './error-code';
import { translateUnavailable, TranslateUnavailable } from './unavailable';

class EngineDown extends Error {}
const isEngineDown = (error: unknown) => error instanceof EngineDown;

@TranslateUnavailable('engine', isEngineDown)
class Adapter {
  calls = 0;

  async read(fail?: Error): Promise<string> {
    this.calls++;
    if (fail) throw fail;
    return 'value';
  }

  /** A method that is not async but returns the engine's promise. */
  write(fail?: Error): Promise<number> {
    this.calls++;
    return fail ? Promise.reject(fail) : Promise.resolve(this.calls);
  }

  size(fail?: Error): number {
    if (fail) throw fail;
    return 3;
  }

  /** Calls another wrapped method: its translation is not translated again. */
  async both(fail: Error): Promise<string> {
    return this.read(fail);
  }

  get label(): string {
    return 'adapter';
  }
}

describe('TranslateUnavailable', () => {
  it("turns the engine's unavailability into DependencyUnavailableError, its cause kept", async () => {
    const down = new EngineDown('connection refused');
    const error = await new Adapter().read(down).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect(error).toMatchObject({ code: ErrorCode.DependencyUnavailable, message: 'engine is unavailable, try again' });
    expect((error as Error).cause).toBe(down);
  });

  it('covers methods that return a promise without being async, and methods that throw synchronously', async () => {
    await expect(new Adapter().write(new EngineDown())).rejects.toBeInstanceOf(DependencyUnavailableError);
    expect(() => new Adapter().size(new EngineDown())).toThrow(DependencyUnavailableError);
  });

  it('lets every other failure through unchanged', async () => {
    const bug = new TypeError('a bug');
    const refusal = new DomainError(ErrorCode.UsernameTaken, 'taken');
    await expect(new Adapter().read(bug)).rejects.toBe(bug);
    await expect(new Adapter().write(refusal)).rejects.toBe(refusal);
    expect(() => new Adapter().size(bug)).toThrow(bug);
  });

  it('keeps results, `this`, names and getters as they were', async () => {
    const adapter = new Adapter();
    expect(await adapter.read()).toBe('value');
    expect(await adapter.write()).toBe(2);
    expect(adapter.size()).toBe(3);
    expect(adapter.label).toBe('adapter');
    expect(Adapter.prototype.read.name).toBe('read');
  });

  it('translates once across nested calls', async () => {
    const down = new EngineDown();
    const error = await new Adapter().both(down).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DependencyUnavailableError);
    expect((error as Error).cause).toBe(down);
  });
});

describe('translateUnavailable', () => {
  it('leaves an error already translated (by any adapter) as it is', () => {
    const translated = new DependencyUnavailableError('other');
    expect(translateUnavailable('engine', () => true, translated)).toBe(translated);
  });
});
