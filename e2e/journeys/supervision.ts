/** Browser journeys of the supervision area. */
import type { Harness } from './harness.js';

export function registerSupervisionJourneys(h: Harness): void {
  void h;
}
