/**
 * The events Switchboard publishes, and the filters a webhook subscription may use: an event type, a group
 * wildcard such as `integrated_account:*`, or `*` for everything. `test` is sent only by `POST /webhook/test`.
 */
import { SwitchboardError } from '../errors.ts';

export const EVENT_TYPES = [
  'integrated_account:created',
  'integrated_account:active',
  'integrated_account:validation_error',
  'integrated_account:authentication_error',
  'integrated_account:reactivated',
  'integrated_account:deleted',
  'sync_job_run:started',
  'sync_job_run:completed',
  'sync_job_run:failed',
  'record:created',
  'record:updated',
  'record:deleted',
  'user:created',
  'user:deactivated',
  'user:reactivated',
  'user:role_changed',
  'user:manager_changed',
  'group:member_added',
  'group:member_removed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** Sent to one webhook on demand; never matched by subscriptions. */
export const TEST_EVENT = 'test';

const KNOWN = new Set<string>(EVENT_TYPES);
const GROUPS = new Set(EVENT_TYPES.map((t) => t.split(':')[0]!));

export function isEventType(value: string): value is EventType {
  return KNOWN.has(value);
}

/** Checks and de-duplicates a subscription's `event_types`; a 400 names every unknown entry. */
export function checkEventTypeFilters(filters: readonly string[]): string[] {
  const unknown = filters.filter(
    (f) => !(f === '*' || KNOWN.has(f) || (f.endsWith(':*') && GROUPS.has(f.slice(0, -2)))),
  );
  if (unknown.length > 0) {
    throw new SwitchboardError(
      'INVALID_REQUEST',
      `unknown event type(s): ${unknown.join(', ')}. Use one of ${EVENT_TYPES.join(', ')}, ` +
        `a group wildcard (${[...GROUPS].map((g) => `${g}:*`).join(', ')}) or *`,
    );
  }
  return [...new Set(filters)];
}

export function matchesFilters(filters: readonly string[], eventType: string): boolean {
  if (eventType === TEST_EVENT) return false;
  const group = `${eventType.split(':')[0]}:*`;
  return filters.some((f) => f === '*' || f === eventType || f === group);
}
