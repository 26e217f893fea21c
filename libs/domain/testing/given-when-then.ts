/**
 * Given/when/then for pure deciders: given past events, when a command, then the new events or
 * the typed error. No Nest, no database.
 */
export interface Decider<C, E, S> {
  decide(state: S, command: C): E[];
  evolve(state: S, event: E): S;
  initialState: S;
}

export function specFor<C, E, S>(decider: Decider<C, E, S>) {
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
