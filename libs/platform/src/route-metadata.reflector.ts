import { Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Reflector's own type for a handler
type Target = Type | Function;

/**
 * A Reflector whose `getAllAndOverride` answers each key for a handler and its controller from memory after the first
 * lookup. Route metadata is written by decorators when the classes are defined and never changes afterwards, while the
 * guards that run on every request read it again and again: the rate-limit guard alone asks 15 keys per request, each
 * walking the handler's and the controller's prototype chains in reflect-metadata (~8 µs per send in a profile of
 * `bench:one-to-one`). Any other call, or targets that are not exactly a handler and a class, goes to Reflector as is.
 */
export class RouteMetadataReflector extends Reflector {
  /** handler → controller → key → the answer (wrapped, so that `undefined` is remembered too). */
  private readonly routes = new WeakMap<Target, WeakMap<Target, Map<unknown, { value: unknown }>>>();
  /** The last route asked about: a guard asks many keys of one route in a row. */
  private last?: { handler: Target; controller: Target; answers: Map<unknown, { value: unknown }> };

  override getAllAndOverride<TResult>(key: unknown, targets: Target[]): TResult {
    if (targets.length !== 2 || !isTarget(targets[0]) || !isTarget(targets[1])) {
      return super.getAllAndOverride<TResult>(key, targets);
    }
    const answers = this.answersOf(targets[0], targets[1]);
    let answer = answers.get(key);
    if (!answer) {
      answer = { value: super.getAllAndOverride<TResult>(key, targets) };
      answers.set(key, answer);
    }
    return answer.value as TResult;
  }

  private answersOf(handler: Target, controller: Target): Map<unknown, { value: unknown }> {
    const last = this.last;
    if (last?.handler === handler && last.controller === controller) return last.answers;
    let byController = this.routes.get(handler);
    if (!byController) this.routes.set(handler, (byController = new WeakMap()));
    let answers = byController.get(controller);
    if (!answers) byController.set(controller, (answers = new Map()));
    this.last = { handler, controller, answers };
    return answers;
  }
}

/**
 * The process's one memo of route metadata, for every guard that runs on each request (the auth guard and the
 * rate-limit guard ask about the same route one after the other).
 */
export const routeMetadata = new RouteMetadataReflector();

function isTarget(value: unknown): value is Target {
  return typeof value === 'function';
}
