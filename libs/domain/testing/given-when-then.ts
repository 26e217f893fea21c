/**
 * Given/when/then for pure deciders: given past events, when a command, then the new events or
 * the typed error. No Nest, no database.
 */
import type { Decider } from '../src/shared/decider';
import { ValidationError, type FieldError } from '../src/shared/errors';

export function specFor<C, E, S>(decider: Decider<S, C, E>) {
  return (given: E[]) => ({
    when: (command: C) => {
      const run = (): E[] => decider.decide(given.reduce(decider.evolve, decider.initialState), command);
      return {
        then: (expected: E[]): void => expect(run()).toEqual(expected),
        thenThrows: (errorType: abstract new (...args: never[]) => Error, code?: string): void => {
          let thrown: unknown;
          try {
            run();
          } catch (e) {
            thrown = e;
          }
          expect(thrown).toBeInstanceOf(errorType);
          if (code !== undefined) expect(thrown).toHaveProperty('code', code);
        },
      };
    },
  });
}

/**
 * The field errors a decider refuses a command with, given past events (fails the test when the
 * command is not refused with a ValidationError): `const fieldErrors = fieldErrorsFor(caseDecider)`.
 */
export function fieldErrorsFor<C, E, S>(decider: Decider<S, C, E>) {
  return (given: E[], command: C): FieldError[] => {
    try {
      decider.decide(given.reduce(decider.evolve, decider.initialState), command);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).errors;
    }
    throw new Error('expected a ValidationError');
  };
}
