/** An aggregate as the write path and the specs use it: its decision, its fold, its empty state. */
export interface Decider<S, C, E> {
  decide(state: S, command: C): E[];
  evolve(state: S, event: E): S;
  initialState: S;
}
