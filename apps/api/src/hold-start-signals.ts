/**
 * Imported first by main.ts, before the modules that take most of a start to load: with a listener
 * in place, a SIGTERM or SIGINT sent meanwhile no longer ends the process without a word, but waits
 * for the loop, by which time main.ts listens to it (`endStartAtSignal`) and says the start ended.
 */
const hold = (): void => undefined;
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, hold);

/** Hands the signals to main.ts's own listeners, which must already be in place: a signal with no
 * listener at all for a moment would stop being caught, and one already caught must reach them. */
export function releaseStartSignals(): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.removeListener(signal, hold);
}
