/** Browser journeys of the homeschool area. */
import type { Harness } from './harness.js';

export function registerHomeschoolJourneys(h: Harness): void {
  void h;
}
