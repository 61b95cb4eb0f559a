/**
 * Lookup tables the user mappings need: sales groups (names → ids, since Advanced Search names a user's
 * groups but not their ids) and teams (ids → names). Cached per account through `caller.memo`.
 * Sales groups are plan-gated (reference §4): when the API refuses, groups are known by name only.
 */
import { SwitchboardError } from '../../errors.ts';
import type { Caller } from '../../unified/types.ts';

export interface SalesGroup {
  GroupId: string;
  Name: string;
  Description?: string;
  CreatedOn?: string;
  UserCount?: string;
}

export interface Team {
  TeamId: string;
  Code?: number;
  Name: string;
  Description?: string;
  ParentId?: string | null;
  ModifiedOn?: string;
  UserCount?: number;
  ChildTeams?: Team[];
}

/** The account's sales groups, or undefined when the feature is unavailable on its plan. */
export function salesGroups(caller: Caller): Promise<SalesGroup[] | undefined> {
  return caller.memo('sales-groups', async () => {
    try {
      const response = await caller.call(
        { method: 'GET', path: '/UserGroup.svc/Retrieve' },
        { optionalFeature: true },
      );
      const body = response.body as { UserGroups?: SalesGroup[] };
      return Array.isArray(body?.UserGroups) ? body.UserGroups : [];
    } catch (error) {
      // 401/404/500 from UserGroup.svc means "not on this plan"; anything else (timeouts, pacing) is real.
      if (error instanceof SwitchboardError && error.extras.truto_is_remote_error && !isRateLimit(error))
        return undefined;
      throw error;
    }
  });
}

function isRateLimit(error: SwitchboardError): boolean {
  return error.code === 'VENDOR_RATE_LIMITED';
}

/** Every team, flattened from the tree (root first, then depth-first). */
export function teams(caller: Caller): Promise<Team[]> {
  return caller.memo('teams', async () => {
    const response = await caller.call({
      method: 'GET',
      path: '/TeamManagement.svc/Retrieve',
      query: { getHierarchical: true },
    });
    const roots = (response.body as { Teams?: Team[] })?.Teams ?? [];
    const flat: Team[] = [];
    const walk = (team: Team, parentId: string | null) => {
      flat.push({ ...team, ParentId: team.ParentId ?? parentId, ChildTeams: undefined });
      for (const child of team.ChildTeams ?? []) walk(child, team.TeamId);
    };
    for (const root of roots) walk(root, null);
    return flat;
  });
}
