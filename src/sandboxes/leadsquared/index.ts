/**
 * The LeadSquared sandbox: a faithful emulator of LeadSquared's user-management API (users, sales
 * groups, teams, permission templates, availability) with its quirks, rate limit, fault injection
 * and a control API. See docs/sandbox.md.
 */
export type { AddAccountOptions } from './accounts.ts';
export { type BuildAppOptions, buildLeadSquaredApp } from './app.ts';
export { createControl, type SandboxControl, type SettingsView } from './control.ts';
export type { CheckinEvent } from './data/checkins.ts';
export type { CustomFieldDef } from './data/custom-fields.ts';
export { type GenerateOptions, generateTenant } from './data/generate.ts';
export type { EntityPermission, Permission, PermissionTemplate } from './data/permission-templates.ts';
export { GROUP_FLAGS, type SalesGroup } from './data/sales-groups.ts';
export type { Team } from './data/teams.ts';
export type { NotificationRecord, Tenant } from './data/tenant.ts';
export type { UserField } from './data/user-fields.ts';
export { type FieldValue, ROLES, type Role, type UserStore } from './data/user-store.ts';
export type { HolidayCalendar, SmartView, WorkDayTemplate } from './data/workdays.ts';
export type { AsyncRequestRecord } from './http/async-jobs.ts';
export type { FaultKind, FaultRule } from './http/faults.ts';
export { DEFAULT_RATE_LIMIT, type RateLimitConfig } from './http/rate-limit.ts';
export type { AccessKeyStats, StatsSnapshot } from './http/stats.ts';
export {
  createSandboxState,
  DEFAULT_SEED,
  DEFAULT_USERS,
  type LeadSquaredSandbox,
  type LeadSquaredSandboxOptions,
  startLeadSquaredSandbox,
} from './start.ts';
export type { Account, SandboxSettings, SandboxState } from './state.ts';
export type { UserSnapshot } from './views/user-views.ts';
