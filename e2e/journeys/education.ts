/** Browser journeys of the education area. */
import type { Harness } from './harness.js';

export function registerEducationJourneys(h: Harness): void {
  void h;
}
