/**
 * The unified records, as TypeScript types: an integration's mapping returns one of these, so a misspelt
 * or mistyped field fails the type check. Dates are ISO 8601 UTC strings. A field the vendor does not
 * have is left out or null, never guessed. `remote_data` is the vendor's record, untouched.
 * (Type aliases rather than interfaces: they are assignable to the engine's generic `UnifiedRecord`.)
 */

export interface UnifiedUrl {
  url: string;
  /** What the link opens, e.g. `profile` (the user's page in the vendor's app). */
  type: string;
}

/** `/unified/crm/users`: a person who logs in to the CRM (not a contact). */
export type CrmUser = {
  id: string;
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  is_active?: boolean | null;
  created_at?: string | null;
  updated_at?: string | null;
  urls?: UnifiedUrl[];
  remote_data: unknown;
};

export interface DirectoryEmail {
  email: string;
  type: string | null;
  is_primary: boolean;
}

export interface DirectoryPhone {
  number: string;
  extension: string | null;
  type: string | null;
}

export interface DirectoryRef {
  id: string;
  name: string;
}

/** `/unified/user-directory/users`. */
export type DirectoryUser = {
  id: string;
  first_name: string | null;
  last_name: string | null;
  name: string;
  emails: DirectoryEmail[];
  phones: DirectoryPhone[];
  title: string | null;
  /** `active`, `inactive`, or the vendor's own value when it maps to neither. */
  status: string;
  roles: DirectoryRef[];
  groups: Array<DirectoryRef & { type: string }>;
  manager_id: string | null;
  timezone: string | null;
  created_at: string | null;
  updated_at: string | null;
  remote_data: unknown;
};

/** `/unified/user-directory/groups`. */
export type DirectoryGroup = {
  id: string;
  name: string;
  description: string | null;
  group_type: 'group' | 'team' | 'department';
  parent_id: string | null;
  member_count: number | null;
  created_at: string | null;
  updated_at: string | null;
  remote_data: unknown;
};

/** `/unified/user-directory/roles`. */
export type DirectoryRole = {
  id: string;
  name: string;
  label: string;
  description: string | null;
  type: string;
  created_at: string | null;
  updated_at: string | null;
  remote_data: unknown;
};

/** Each unified resource's record type, by `model/resource`. */
export interface UnifiedRecordTypes {
  'crm/users': CrmUser;
  'user-directory/users': DirectoryUser;
  'user-directory/groups': DirectoryGroup;
  'user-directory/roles': DirectoryRole;
}

export type UnifiedResourceName = keyof UnifiedRecordTypes;
