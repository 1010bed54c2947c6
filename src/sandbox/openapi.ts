/**
 * The OpenAPI 3.1 description of both APIs, kept in `schemas/openapi.json` and served by the
 * sandbox at `GET /openapi.json`.
 */
import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The document as compact JSON, read once from the package's `schemas/` folder. */
export function openapiJson(): string {
  cached ??= JSON.stringify(JSON.parse(readFileSync(new URL('../../schemas/openapi.json', import.meta.url), 'utf8')));
  return cached;
}
