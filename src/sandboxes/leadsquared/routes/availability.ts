/**
 * User availability: check-in / check-out (acting on the key owner), check-in status, check-in
 * history, work-day details and available slots. Work days come from the user's own work-day
 * template / holiday calendar if set, else their team's (inherited up the team tree).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hash32 } from '../../kit/random.ts';
import type { CheckinEvent } from '../data/checkins.ts';
import {
  formatLsqDate,
  formatLsqDateTime,
  formatUnpaddedHourDateTime,
  nowSeconds,
  parseLsqDate,
  parseLsqDateTime,
} from '../data/dates.ts';
import { generatedCheckin } from '../data/generate.ts';
import type { Tenant } from '../data/tenant.ts';
import { AVAILABILITY } from '../data/user-store.ts';
import { type WorkDayStatus, workDayStatus } from '../data/workdays.ts';
import { endpoint } from '../http/endpoint.ts';
import { invalidInput, mandatoryMissing } from '../http/errors.ts';
import { readPaging, requireString } from '../http/parse.ts';
import { accountOf } from '../http/request-context.ts';
import { bodyObject, queryParam, sendValue } from '../http/respond.ts';
import { matchUsers } from '../search/run-search.ts';
import { requireUser } from './user-lookup.ts';

const UM = '/v2/UserManagement.svc';
const DAY = 86400;
export const MAX_SLOT_RANGE_DAYS = 100;

function readAvailability(value: unknown, fallback: string): string {
  if (value === undefined || value === null || value === '') return fallback;
  const v = String(value).toLowerCase();
  if (!(AVAILABILITY as readonly string[]).includes(v))
    throw invalidInput('Invalid Input! Parameter Name: AvailabilityStatus');
  return v;
}

function numberOrNull(value: unknown, name: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw invalidInput(`Invalid Input! Parameter Name: ${name}`);
  return n;
}

function recordCheck(request: FastifyRequest, isCheckIn: boolean): number {
  const { tenant: t, owner } = accountOf(request);
  const body = bodyObject(request);
  const source = requireString(body.Source, 'Source', isCheckIn ? 'check-in' : 'check-out');
  const availability = readAvailability(body.AvailabilityStatus, isCheckIn ? 'online' : 'offline');
  if (!isCheckIn && availability !== 'offline') {
    throw invalidInput('AvailabilityStatus can only be Offline while checking out');
  }
  const at = nowSeconds();
  const event: CheckinEvent = {
    user: owner,
    at,
    isCheckIn,
    source,
    location: typeof body.Location === 'string' ? body.Location : null,
    latitude: numberOrNull(body.Latitude, 'Latitude'),
    longitude: numberOrNull(body.Longitude, 'Longitude'),
    ipAddress: request.ip,
    availabilityStatus: availability,
    otherDetails:
      body.OtherDetails && typeof body.OtherDetails === 'object'
        ? (body.OtherDetails as Record<string, unknown>)
        : null,
  };
  t.checkins.record(event);
  const u = t.users;
  u.checkedIn[owner] = isCheckIn ? 1 : 0;
  u.lastCheckedOn[owner] = at;
  u.availability[owner] = AVAILABILITY.indexOf(availability as (typeof AVAILABILITY)[number]);
  u.setOverride(owner, 'LastCheckedIpAddress', request.ip);
  t.touch();
  return at;
}

/** The user's history: their seeded state as the first event, then what the API recorded. */
function historyOf(t: Tenant, i: number): CheckinEvent[] {
  const events: CheckinEvent[] = [];
  const seeded = t.users.apiCreated[i] ? null : generatedCheckin(t.seed, i);
  if (seeded) {
    events.push({
      user: i,
      at: seeded.at,
      isCheckIn: seeded.checkedIn,
      source: 'WebApp',
      location: String(t.field('City')?.get(t, i) ?? ''),
      latitude: null,
      longitude: null,
      ipAddress: null,
      availabilityStatus: seeded.checkedIn ? 'online' : 'offline',
      otherDetails: null,
    });
  }
  return events.concat(t.checkins.eventsOf(i));
}

function requireDateTime(value: unknown, name: string): number {
  if (value === undefined || value === null || value === '') throw mandatoryMissing(`'${name}' is mandatory`);
  const at = parseLsqDateTime(value);
  if (at === undefined)
    throw invalidInput(`Invalid Input! Parameter Name: ${name} (expected YYYY-MM-DD HH:MM:SS)`);
  return at;
}

function requireDate(value: unknown, name: string): number {
  if (value === undefined || value === null || value === '') throw mandatoryMissing(`'${name}' is mandatory`);
  const day = parseLsqDate(value);
  if (day === undefined) throw invalidInput(`Invalid Input! Parameter Name: ${name} (expected yyyy-MM-dd)`);
  return day;
}

export function workDayOf(t: Tenant, i: number, day: number): WorkDayStatus {
  const { templates, calendars } = t.workdays;
  const ownTemplate = t.users.override(i, 'WorkDayTemplateId');
  const ownCalendar = t.users.override(i, 'HolidayCalendarId');
  const team = t.users.team[i];
  const tk = t.teams.effective(team, 'workDayTemplate');
  const ck = t.teams.effective(team, 'holidayCalendar');
  const template = ownTemplate
    ? templates.find((x) => x.id === ownTemplate)
    : tk === undefined
      ? undefined
      : templates[tk];
  const calendar = ownCalendar
    ? calendars.find((x) => x.id === ownCalendar)
    : ck === undefined
      ? undefined
      : calendars[ck];
  // About 3% of user-days are leave, decided by the seed.
  const onLeave = hash32(t.seed, i, Math.floor(day / DAY)) % 100 < 3;
  return workDayStatus(template, calendar, onLeave, day);
}

function slotsBody(
  t: Tenant,
  users: ArrayLike<number>,
  body: Record<string, unknown>,
): Record<string, unknown> {
  const from = requireDate(body.FromDate, 'FromDate');
  const to = requireDate(body.ToDate, 'ToDate');
  if (to < from) throw invalidInput('ToDate should be greater than or equal to FromDate');
  if ((to - from) / DAY + 1 > MAX_SLOT_RANGE_DAYS) {
    throw invalidInput(`Date range cannot be more than ${MAX_SLOT_RANGE_DAYS} days`);
  }
  const paging = readPaging(body.Paging, 25);
  const all = Array.from(users).filter((i) => t.isActive(i));
  const page = all.slice((paging.index - 1) * paging.size, paging.index * paging.size);
  const list: Record<string, unknown>[] = [];
  for (let day = from; day <= to; day += DAY) {
    const date = formatLsqDate(day);
    list.push({
      Date: date,
      UserSlots: page.map((i) => {
        const status = workDayOf(t, i, day);
        const reason = status.IsAvailable === 0 || status.StatusReason !== '' ? status.StatusReason : null;
        return {
          UserId: t.users.idOf(i),
          EmailAddress: t.users.emailOf(i),
          Slots: reason
            ? []
            : status.WorkingHours.map((h) => ({
                StartTime: `${date} ${h.StartTime}`,
                EndTime: `${date} ${h.EndTime}`,
              })),
          NoSlotsReason: reason,
        };
      }),
    });
  }
  return page.length ? { RecordCount: all.length, List: list } : { RecordCount: all.length };
}

function usersFromList(t: Tenant, value: unknown, byEmail: boolean): number[] {
  if (!Array.isArray(value) || value.length === 0) throw mandatoryMissing("'Users' is mandatory");
  return value
    .map((v) => (byEmail ? t.users.indexOfEmail(v) : t.users.indexOfId(v)))
    .filter((i) => t.isListed(i));
}

export function registerAvailabilityRoutes(app: FastifyInstance): void {
  // Path UNCONFIRMED (by symmetry with CheckOut).
  endpoint(app, ['POST'], `${UM}/User/CheckIn`, (request, reply) => {
    const at = recordCheck(request, true);
    return sendValue(request, reply, {
      Status: 'Success',
      Message: { ResponseText: `User successfully checked in on ${formatLsqDateTime(at)}` },
    });
  });

  // The vendor prints this time with an unpadded hour ("2017-10-31 9:55:10").
  endpoint(app, ['POST'], `${UM}/User/CheckOut`, (request, reply) => {
    const at = recordCheck(request, false);
    return sendValue(request, reply, {
      Status: 'Success',
      Message: { ResponseText: `User successfully checked out on ${formatUnpaddedHourDateTime(at)}` },
    });
  });

  endpoint(app, ['GET'], `${UM}/User/CheckinStatus`, (request, reply) => {
    const account = accountOf(request);
    const t = account.tenant;
    const id = queryParam(request, 'UserId');
    const i = id ? requireUser(t, id, 'UserId') : account.owner;
    const last = t.users.lastCheckedOn[i];
    return sendValue(request, reply, {
      IsCheckedIn: t.users.checkedIn[i] === 1,
      LastCheckedOn: last ? formatLsqDateTime(last) : null,
    });
  });

  endpoint(app, ['POST'], `${UM}/User/GetCheckinCheckoutHistory`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const type = String(body.UserAttributeType ?? 'UserId');
    if (type !== 'UserEmail' && type !== 'UserId')
      throw invalidInput('Invalid Input! Parameter Name: UserAttributeType');
    const from = requireDateTime(body.FromDate, 'FromDate');
    const to = requireDateTime(body.ToDate, 'ToDate');
    if (to < from) throw invalidInput('ToDate should be greater than FromDate');
    const paging = readPaging(body.Paging, 200);
    const users = usersFromList(t, body.Users, type === 'UserEmail');
    const events = users
      .flatMap((i) => historyOf(t, i))
      .filter((e) => e.at >= from && e.at <= to)
      .sort((a, b) => a.at - b.at || a.user - b.user);
    const page = events.slice((paging.index - 1) * paging.size, paging.index * paging.size).map((e) => ({
      UserId: t.users.idOf(e.user),
      CheckedOn: formatLsqDateTime(e.at),
      EmailAddress: t.users.emailOf(e.user),
      IsCheckIn: e.isCheckIn,
      Location: e.location,
      Source: e.source,
      Latitude: e.latitude,
      Longitude: e.longitude,
      IpAddress: e.ipAddress,
    }));
    return sendValue(
      request,
      reply,
      page.length ? { RecordCount: events.length, Details: page } : { RecordCount: events.length },
    );
  });

  endpoint(app, ['GET'], `${UM}/User/GetWorkDayDetails`, (request, reply) => {
    const t = accountOf(request).tenant;
    const i = requireUser(t, queryParam(request, 'userId'), 'userId');
    const day = requireDate(queryParam(request, 'date'), 'date');
    const status = workDayOf(t, i, day);
    return sendValue(request, reply, {
      IsAvailable: status.IsAvailable,
      StatusReason: status.StatusReason,
      UserId: t.users.idOf(i),
      WorkingHours: status.WorkingHours,
    });
  });

  const TASK = '/v2/Task.svc/RetrieveAvailableSlots';
  endpoint(app, ['POST'], `${TASK}/ByUserEmailAddress`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    return sendValue(request, reply, slotsBody(t, usersFromList(t, body.Users, true), body));
  });
  // [3P]-only variant.
  endpoint(app, ['POST'], `${TASK}/ByUserId`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    return sendValue(request, reply, slotsBody(t, usersFromList(t, body.Users, false), body));
  });
  endpoint(app, ['POST'], `${TASK}/ByUserSearchCriteria`, (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const criteria = body.UserSearchCriteria as Record<string, unknown> | undefined;
    if (!criteria || typeof criteria !== 'object')
      throw mandatoryMissing("'UserSearchCriteria' is mandatory");
    return sendValue(
      request,
      reply,
      slotsBody(t, matchUsers(t, criteria.GroupConditions, criteria.GroupOperator), body),
    );
  });
}
