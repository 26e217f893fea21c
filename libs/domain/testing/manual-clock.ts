import type { Clock } from '../src/shared/clock';

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  private t: number;
  constructor(start: string) {
    this.t = Date.parse(start);
  }
  now(): string {
    return new Date(this.t).toISOString();
  }
  set(iso: string): void {
    this.t = Date.parse(iso);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
