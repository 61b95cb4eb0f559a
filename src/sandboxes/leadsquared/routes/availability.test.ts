import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../data/tenant.ts';
import type { LeadSquaredSandbox } from '../start.ts';
import { type LsqClient, startTestSandbox } from '../testing.ts';

const UM = '/v2/UserManagement.svc';
type Mx = { Status: string; ExceptionType: string; ExceptionMessage: string };
type WorkDay = {
  IsAvailable: number;
  StatusReason: string;
  UserId: string;
  WorkingHours: { StartTime: string; EndTime: string }[];
};

describe('availability (reference §6, §9.12)', () => {
  let sandbox: LeadSquaredSandbox;
  let lsq: LsqClient;
  let t: Tenant;
  beforeAll(async () => {
    ({ sandbox, lsq } = await startTestSandbox({ users: 2000 }));
    t = sandbox.control.data;
  });
  afterAll(() => sandbox.close());

  const inTeam = (team: number, count: number) =>
    Array.from({ length: t.users.count }, (_, i) => i)
      .filter((i) => t.isActive(i) && t.users.team[i] === team)
      .slice(0, count);
  const workDay = async (i: number, date: string) =>
    (await lsq.get<WorkDay>(`${UM}/User/GetWorkDayDetails`, { query: { userId: t.users.idOf(i), date } }))
      .json;

  it('reports the seeded check-in status of a user, and the key owner’s without UserId', async () => {
    const i = Array.from({ length: t.users.count }, (_, k) => k).find((k) => t.users.checkedIn[k] === 1)!;
    const res = await lsq.get<{ IsCheckedIn: boolean; LastCheckedOn: string }>(`${UM}/User/CheckinStatus`, {
      query: { UserId: t.users.idOf(i) },
    });
    expect(res.json.IsCheckedIn).toBe(true);
    expect(res.json.LastCheckedOn).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const owner = await lsq.get<{ IsCheckedIn: boolean }>(`${UM}/User/CheckinStatus`);
    expect(typeof owner.json.IsCheckedIn).toBe('boolean');
  });

  it('checks the key owner in and out, with the documented messages (unpadded hour on check-out)', async () => {
    const checkIn = await lsq.post<{ Status: string; Message: { ResponseText: string } }>(
      `${UM}/User/CheckIn`,
      {
        Source: 'MobileApp',
        Location: 'KA',
        Latitude: 38.57,
        Longitude: -121.49,
        AvailabilityStatus: 'Online',
        OtherDetails: { k: 'v' },
      },
    );
    expect(checkIn.json.Status).toBe('Success');
    expect(checkIn.json.Message.ResponseText).toMatch(
      /^User successfully checked in on \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/,
    );
    const status = await lsq.get<{ IsCheckedIn: boolean }>(`${UM}/User/CheckinStatus`);
    expect(status.json.IsCheckedIn).toBe(true);
    expect(sandbox.control.user(t.users.idOf(0))?.attributes.AvailabilityStatus).toBe('online');

    const wrong = await lsq.post<Mx>(`${UM}/User/CheckOut`, {
      Source: 'WebApp',
      AvailabilityStatus: 'Online',
    });
    expect(wrong.status).toBe(500);
    const checkOut = await lsq.post<{ Message: { ResponseText: string } }>(`${UM}/User/CheckOut`, {
      Source: 'WebApp',
      AvailabilityStatus: 'offline',
    });
    expect(checkOut.json.Message.ResponseText).toMatch(
      /^User successfully checked out on \d{4}-\d{2}-\d{2} ([0-9]|1\d|2[0-3]):\d{2}:\d{2}$/,
    );
    expect((await lsq.get<{ IsCheckedIn: boolean }>(`${UM}/User/CheckinStatus`)).json.IsCheckedIn).toBe(
      false,
    );
    expect((await lsq.post<Mx>(`${UM}/User/CheckIn`, { Location: 'KA' })).json.ExceptionType).toBe(
      'MXMandatoryAttributeMissingException',
    );
  });

  it('returns check-in history between mandatory FromDate and ToDate', async () => {
    const missing = await lsq.post<Mx>(`${UM}/User/GetCheckinCheckoutHistory`, {
      UserAttributeType: 'UserId',
      Users: [t.users.idOf(0)],
    });
    expect(missing.status).toBe(500);
    expect(missing.json.ExceptionType).toBe('MXMandatoryAttributeMissingException');
    const from = new Date(Date.now() - 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const to = new Date(Date.now() + 3600_000).toISOString().slice(0, 19).replace('T', ' ');
    const res = await lsq.post<{ RecordCount: number; Details: Record<string, unknown>[] }>(
      `${UM}/User/GetCheckinCheckoutHistory`,
      {
        UserAttributeType: 'UserEmail',
        Users: [t.users.emailOf(0)],
        FromDate: from,
        ToDate: to,
        Paging: { PageIndex: 1, PageSize: 200 },
      },
    );
    expect(res.json.RecordCount).toBe(2);
    expect(res.json.Details.map((d) => d.IsCheckIn)).toEqual([true, false]);
    expect(res.json.Details[0]).toMatchObject({
      UserId: t.users.idOf(0),
      EmailAddress: t.users.emailOf(0),
      Location: 'KA',
      Source: 'MobileApp',
    });
  });

  it('gives work-day details from the team’s template and holiday calendar', async () => {
    // Team 1 uses "Standard Weekdays" (Mon-Fri 09:00-18:00) and inherits the root's India holidays.
    const users = inTeam(1, 10);
    const monday = await Promise.all(users.map((i) => workDay(i, '2025-06-02')));
    expect(monday.some((d) => d.IsAvailable === 1 && d.StatusReason === '')).toBe(true);
    for (const d of monday) {
      if (d.StatusReason === '')
        expect(d.WorkingHours).toEqual([{ StartTime: '09:00:00', EndTime: '18:00:00' }]);
      else expect(d).toMatchObject({ IsAvailable: 0, StatusReason: 'Leave' });
    }
    const sunday = await Promise.all(users.map((i) => workDay(i, '2025-06-01')));
    expect(
      sunday.every((d) => d.IsAvailable === 0 && ['NotScheduled', 'Leave'].includes(d.StatusReason)),
    ).toBe(true);
    expect(sunday.some((d) => d.StatusReason === 'NotScheduled')).toBe(true);
    const holiday = await Promise.all(users.map((i) => workDay(i, '2025-08-15')));
    expect(holiday.some((d) => d.StatusReason === 'Holiday')).toBe(true);
  });

  it('answers WorkDayTemplateNotDefined with the whole day when no template applies', async () => {
    // The root team has no work-day template.
    const days = await Promise.all(inTeam(0, 10).map((i) => workDay(i, '2025-06-03')));
    expect(days).toContainEqual(
      expect.objectContaining({
        IsAvailable: 1,
        StatusReason: 'WorkDayTemplateNotDefined',
        WorkingHours: [{ StartTime: '00:00:00', EndTime: '23:59:59' }],
      }),
    );
    expect(
      (
        await lsq.get(`${UM}/User/GetWorkDayDetails`, {
          query: { userId: t.users.idOf(1), date: '03/06/2025' },
        })
      ).status,
    ).toBe(500);
  });

  it('lists available slots by email and by search criteria, at most 100 days', async () => {
    const users = inTeam(1, 3);
    const res = await lsq.post<{
      RecordCount: number;
      List: { Date: string; UserSlots: Record<string, unknown>[] }[];
    }>('/v2/Task.svc/RetrieveAvailableSlots/ByUserEmailAddress', {
      FromDate: '2025-06-02',
      ToDate: '2025-06-03',
      Users: users.map((i) => t.users.emailOf(i)),
    });
    expect(res.json.RecordCount).toBe(3);
    expect(res.json.List.map((d) => d.Date)).toEqual(['2025-06-02', '2025-06-03']);
    expect(res.json.List[0].UserSlots).toHaveLength(3);
    const tooLong = await lsq.post('/v2/Task.svc/RetrieveAvailableSlots/ByUserEmailAddress', {
      FromDate: '2025-01-01',
      ToDate: '2025-06-01',
      Users: [t.users.emailOf(1)],
    });
    expect(tooLong.status).toBe(500);
    const byCriteria = await lsq.post<{ RecordCount: number }>(
      '/v2/Task.svc/RetrieveAvailableSlots/ByUserSearchCriteria',
      {
        FromDate: '2025-06-02',
        ToDate: '2025-06-02',
        UserSearchCriteria: {
          GroupConditions: [
            { Condition: [{ LookupName: 'TeamId', Operator: 'eq', LookupValue: t.teams.teams[1].id }] },
          ],
        },
        Paging: { PageIndex: 1, PageSize: 5 },
      },
    );
    expect(byCriteria.json.RecordCount).toBe(inTeam(1, t.users.count).length);
  });
});
