export { listMemberEvents, rowToEvent } from './events.read.ts';
export { eventRoutes } from './events.routes.ts';
export {
  type EventReject,
  eventContentHash,
  eventToRow,
  type IngestEventsOptions,
  type IngestEventsResult,
  ingestEvents,
} from './events.service.ts';
export {
  EVENT_TYPES,
  type EventDto,
  type EventInput,
  type EventType,
  eventSchema,
  MAX_EVENT_BATCH,
  type NormalisedEvent,
} from './events.types.ts';
