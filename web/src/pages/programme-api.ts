import { api } from '../api/client.ts';
import type { TierLadder } from '../api/loyalty-types.ts';
import type { Programme, ProgrammeSettings } from '../api/rules-types.ts';

/** The currency a programme counts in when its settings cannot be read (the API's default). */
export const DEFAULT_CURRENCY = 'CNY';

export function loadProgramme(signal?: AbortSignal): Promise<Programme> {
  return api<Programme>('/v1/loyalty/programme', { signal });
}

/** `PUT /v1/loyalty/programme`: every setting, and the version they replace (409 when stale). */
export function saveProgramme(settings: ProgrammeSettings, version: number): Promise<Programme> {
  return api<Programme>('/v1/loyalty/programme', { method: 'PUT', body: { settings, version } });
}

export function loadLadder(signal?: AbortSignal): Promise<TierLadder> {
  return api<TierLadder>('/v1/loyalty/tiers', { signal });
}

/** Null when the call fails (the page then works without it), but an abort still aborts. */
export async function orNull<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    return null;
  }
}
