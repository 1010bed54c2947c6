/**
 * The driver of a target, picked by its API. The only entry point the engine and the modes need
 * from src/platform/.
 */
import { assertNever } from '../core/model.js';
import type { Driver, RequestStats, ResolvedTarget } from '../engine/ports.js';
import { createBluzoneDriver } from './bluzone/driver.js';
import type { DriverOptions } from './driver-options.js';
import { createStreamwiseDriver } from './streamwise/driver.js';

export type { DriverOptions, RequestEvent } from './driver-options.js';
export { PlatformError, type PlatformErrorCode } from './errors.js';

/** Creates the driver of `target` (streamwise or bluzone); `stats()` counts its requests. */
export function createDriver(target: ResolvedTarget, options: DriverOptions = {}): Driver & { stats(): RequestStats } {
  switch (target.api) {
    case 'streamwise': return createStreamwiseDriver(target, options);
    case 'bluzone': return createBluzoneDriver(target, options);
    default: return assertNever(target.api);
  }
}
