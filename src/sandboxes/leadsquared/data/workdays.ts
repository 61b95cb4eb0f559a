/** Work-day templates, holiday calendars and smart views: small catalogs that teams point to by Code. */

import { seededGuid } from '../../kit/random.ts';
import { formatLsqDate } from './dates.ts';

export interface Shift {
  StartTime: string;
  EndTime: string;
}

export interface WorkDayTemplate {
  id: string;
  code: number;
  name: string;
  /** Working weekdays, 0 = Sunday. */
  days: readonly number[];
  shifts: readonly Shift[];
}

export interface HolidayCalendar {
  id: string;
  code: number;
  name: string;
  /** Recurring holidays as `MM-DD`. */
  holidays: readonly string[];
}

export interface SmartView {
  id: string;
  code: number;
  name: string;
}

export interface WorkdayCatalog {
  templates: WorkDayTemplate[];
  calendars: HolidayCalendar[];
  smartViews: SmartView[];
}

export function createWorkdayCatalog(rng: () => number): WorkdayCatalog {
  return {
    templates: [
      {
        id: seededGuid(rng),
        code: 10,
        name: 'Standard Weekdays',
        days: [1, 2, 3, 4, 5],
        shifts: [{ StartTime: '09:00:00', EndTime: '18:00:00' }],
      },
      {
        id: seededGuid(rng),
        code: 11,
        name: 'Split Shift',
        days: [1, 2, 3, 4, 5, 6],
        shifts: [
          { StartTime: '08:00:00', EndTime: '12:00:00' },
          { StartTime: '14:00:00', EndTime: '18:00:00' },
        ],
      },
      {
        id: seededGuid(rng),
        code: 12,
        name: 'Weekend Support',
        days: [0, 5, 6],
        shifts: [{ StartTime: '10:00:00', EndTime: '19:00:00' }],
      },
    ],
    calendars: [
      {
        id: seededGuid(rng),
        code: 37,
        name: 'India Holidays',
        holidays: ['01-01', '01-26', '08-15', '10-02', '12-25'],
      },
      { id: seededGuid(rng), code: 38, name: 'US Holidays', holidays: ['01-01', '07-04', '11-28', '12-25'] },
    ],
    smartViews: [
      { id: seededGuid(rng), code: 28, name: 'All Tasks' },
      { id: seededGuid(rng), code: 29, name: 'My Leads' },
      { id: seededGuid(rng), code: 30, name: 'Team Pipeline' },
    ],
  };
}

export interface WorkDayStatus {
  IsAvailable: 0 | 1;
  StatusReason: string;
  WorkingHours: Shift[];
}

/** The work-day rules of the reference (§6): leave, holiday, no template, not scheduled, or the template's shifts. */
export function workDayStatus(
  template: WorkDayTemplate | undefined,
  calendar: HolidayCalendar | undefined,
  onLeave: boolean,
  dayEpochSeconds: number,
): WorkDayStatus {
  if (onLeave) return { IsAvailable: 0, StatusReason: 'Leave', WorkingHours: [] };
  if (calendar?.holidays.includes(formatLsqDate(dayEpochSeconds).slice(5))) {
    return { IsAvailable: 0, StatusReason: 'Holiday', WorkingHours: [] };
  }
  if (!template) {
    return {
      IsAvailable: 1,
      StatusReason: 'WorkDayTemplateNotDefined',
      WorkingHours: [{ StartTime: '00:00:00', EndTime: '23:59:59' }],
    };
  }
  const weekday = new Date(dayEpochSeconds * 1000).getUTCDay();
  if (!template.days.includes(weekday))
    return { IsAvailable: 0, StatusReason: 'NotScheduled', WorkingHours: [] };
  return { IsAvailable: 1, StatusReason: '', WorkingHours: template.shifts.map((s) => ({ ...s })) };
}
