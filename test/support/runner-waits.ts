import type { ProjectionRunner } from '@trust-ledger/projections';

/**
 * Resolves once a request has begun waiting on the runner for every projection, or only for the one
 * named: the wait itself is the runner's own, only watched. Restore mocks after each test, for a
 * wait that never begins.
 */
export function runnerWaitBegins(runner: ProjectionRunner, only?: string): Promise<void> {
  const waitFor = runner.waitFor.bind(runner);
  return new Promise((resolve) => {
    const watch = jest.spyOn(runner, 'waitFor').mockImplementation((position, timeoutMs, projection) => {
      const waiting = waitFor(position, timeoutMs, projection);
      if (projection === only) {
        watch.mockRestore();
        resolve();
      }
      return waiting;
    });
  });
}
