/**
 * Teams: one tree with a root team named after the account. Work-day template, holiday calendar and
 * smart view are inherited from the parent unless set on the team itself (`undefined` = inherit).
 */

export interface Team {
  id: string;
  code: number;
  name: string;
  description: string;
  sequence: number;
  /** Parent team index; -1 for the root. */
  parent: number;
  workDayTemplate: number | undefined;
  holidayCalendar: number | undefined;
  smartView: number | undefined;
  replaceUserSmartView: string | null;
  dashboardCodes: number[];
  defaultDashboardCode: number | null;
  modifiedBy: number;
  modifiedOn: number;
}

export type InheritedTeamSetting = 'workDayTemplate' | 'holidayCalendar' | 'smartView';

export class TeamStore {
  readonly teams: Team[] = [];
  private readonly byCode = new Map<number, number>();
  private readonly byId = new Map<string, number>();

  add(team: Team): number {
    const index = this.teams.length;
    this.teams.push(team);
    this.byCode.set(team.code, index);
    this.byId.set(team.id, index);
    return index;
  }

  indexOfCode(code: unknown): number {
    const n = typeof code === 'string' && code.trim() !== '' ? Number(code) : code;
    return typeof n === 'number' ? (this.byCode.get(n) ?? -1) : -1;
  }

  indexOfId(id: unknown): number {
    return typeof id === 'string' ? (this.byId.get(id.toLowerCase()) ?? -1) : -1;
  }

  /** A team named by GUID or by integer Code (Update Users in Bulk accepts either). */
  indexOfIdOrCode(value: unknown): number {
    const byId = this.indexOfId(value);
    return byId >= 0 ? byId : this.indexOfCode(value);
  }

  nextCode(): number {
    let max = 0;
    for (const t of this.teams) max = Math.max(max, t.code);
    return max + 1;
  }

  effective(index: number, key: InheritedTeamSetting): number | undefined {
    for (let k = index; k >= 0; k = this.teams[k].parent) {
      const value = this.teams[k][key];
      if (value !== undefined) return value;
    }
    return undefined;
  }

  depth(index: number): number {
    let d = 0;
    for (let k = this.teams[index].parent; k >= 0; k = this.teams[k].parent) d++;
    return d;
  }

  children(index: number): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.teams.length; k++) if (this.teams[k].parent === index) out.push(k);
    return out.sort((a, b) => this.teams[a].sequence - this.teams[b].sequence || a - b);
  }

  isDescendant(index: number, ancestor: number): boolean {
    for (let k = index; k >= 0; k = this.teams[k].parent) if (k === ancestor) return true;
    return false;
  }
}
