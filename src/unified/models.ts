/**
 * The unified resources: which filters each accepts (with operators and how to read the value from a
 * unified record, so Switchboard can apply any filter the vendor cannot) and which fields it sorts by.
 */
import type { Operator, UnifiedRecord } from './types.ts';

export interface FilterSpec {
  type: 'string' | 'enum' | 'boolean' | 'datetime';
  ops: readonly Operator[];
  values?: readonly string[];
  description: string;
  /** The record's values this filter is tested against. */
  read(record: UnifiedRecord): unknown[];
  /**
   * Only the vendor can apply it — a free-text search whose matching is the vendor's own (Salesflare), or a
   * scope (HighLevel's location) records do not carry: where an integration does not push it down, the
   * request is refused with 400 rather than guessed at.
   */
  vendorOnly?: boolean;
}

export interface ResourceSpec {
  model: string;
  resource: string;
  description: string;
  filters: Record<string, FilterSpec>;
  /** Other query names accepted for a filter (e.g. Truto's `emails` for `email`). */
  aliases?: Record<string, string>;
  sortBy: readonly string[];
}

const TEXT_OPS = ['eq', 'ne', 'in', 'nin', 'like'] as const;
const DATE_OPS = ['eq', 'gt', 'gte', 'lt', 'lte'] as const;

const field =
  (name: string) =>
  (r: UnifiedRecord): unknown[] => [r[name]];
const each =
  (name: string, key: string) =>
  (r: UnifiedRecord): unknown[] =>
    Array.isArray(r[name]) ? (r[name] as Record<string, unknown>[]).map((x) => x?.[key]) : [];

const timestamps = {
  created_at: {
    type: 'datetime',
    ops: DATE_OPS,
    description: 'ISO 8601; with gt|gte|lt|lte',
    read: field('created_at'),
  },
  updated_at: {
    type: 'datetime',
    ops: DATE_OPS,
    description: 'ISO 8601; with gt|gte|lt|lte',
    read: field('updated_at'),
  },
} satisfies Record<string, FilterSpec>;

const userDirectoryUsers: ResourceSpec = {
  model: 'user-directory',
  resource: 'users',
  description: 'People in the directory, with their status, roles and groups',
  filters: {
    first_name: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'exact (case-insensitive) or like',
      read: field('first_name'),
    },
    last_name: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'exact (case-insensitive) or like',
      read: field('last_name'),
    },
    email: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'any of the user’s emails',
      read: each('emails', 'email'),
    },
    status: {
      type: 'enum',
      ops: ['eq', 'ne', 'in', 'nin'],
      values: ['active', 'inactive'],
      description: 'active or inactive',
      read: field('status'),
    },
    group_id: {
      type: 'string',
      ops: ['eq', 'in'],
      description: 'member of this group or team',
      read: each('groups', 'id'),
    },
    ...timestamps,
  },
  aliases: { emails: 'email' },
  sortBy: ['id', 'first_name', 'last_name', 'name', 'email', 'status', 'created_at', 'updated_at'],
};

const userDirectoryGroups: ResourceSpec = {
  model: 'user-directory',
  resource: 'groups',
  description: 'Groups and teams users belong to',
  filters: {
    name: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'exact (case-insensitive) or like',
      read: field('name'),
    },
    group_type: {
      type: 'enum',
      ops: ['eq', 'in'],
      values: ['group', 'team', 'department'],
      description: 'group, team or department',
      read: field('group_type'),
    },
    ...timestamps,
  },
  sortBy: ['name'],
};

const userDirectoryRoles: ResourceSpec = {
  model: 'user-directory',
  resource: 'roles',
  description: 'Roles users can hold',
  filters: {
    name: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'exact (case-insensitive) or like',
      read: field('name'),
    },
  },
  sortBy: ['name'],
};

const crmUsers: ResourceSpec = {
  model: 'crm',
  resource: 'users',
  description: 'Users of the CRM',
  filters: {
    email: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'exact (case-insensitive) or like',
      read: field('email'),
    },
    name: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'full name, exact (case-insensitive) or like',
      read: field('name'),
    },
    is_active: { type: 'boolean', ops: ['eq'], description: 'true or false', read: field('is_active') },
    // Truto's Salesflare parameter: the vendor's own free-text search, so never applied locally.
    search_term: {
      type: 'string',
      ops: ['eq'],
      description:
        'free-text search, as the vendor matches it (Salesflare); refused where the vendor cannot search',
      vendorOnly: true,
      read: (r) => [r['name'], r['email']],
    },
    // Truto documents these two for Salesforce; any CRM's users have the fields, so Switchboard can apply them.
    first_name: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'exact (case-insensitive) or like',
      read: field('first_name'),
    },
    last_name: {
      type: 'string',
      ops: TEXT_OPS,
      description: 'exact (case-insensitive) or like',
      read: field('last_name'),
    },
    ...timestamps,
    workspace_id: {
      type: 'string',
      ops: ['eq'],
      description: 'the workspace to list (HighLevel: a location id; default the connected one)',
      read: () => [],
      vendorOnly: true,
    },
  },
  aliases: { workspace: 'workspace_id' },
  sortBy: ['created_at', 'email', 'name', 'updated_at'],
};

export const RESOURCE_SPECS: Record<string, ResourceSpec> = Object.fromEntries(
  [userDirectoryUsers, userDirectoryGroups, userDirectoryRoles, crmUsers].map((s) => [
    `${s.model}/${s.resource}`,
    s,
  ]),
);
