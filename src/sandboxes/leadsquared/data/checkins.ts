/** Check-in/check-out events recorded through the API, by user. Generated users also have one implied
 * event, their seeded `LastCheckedOn` state (built on read in routes/availability.ts). */

export interface CheckinEvent {
  user: number;
  at: number;
  isCheckIn: boolean;
  source: string;
  location: string | null;
  latitude: number | null;
  longitude: number | null;
  ipAddress: string | null;
  availabilityStatus: string | null;
  otherDetails: Record<string, unknown> | null;
}

export class CheckinLog {
  private readonly byUser = new Map<number, CheckinEvent[]>();

  record(event: CheckinEvent): void {
    const list = this.byUser.get(event.user) ?? [];
    list.push(event);
    this.byUser.set(event.user, list);
  }

  eventsOf(user: number): readonly CheckinEvent[] {
    return this.byUser.get(user) ?? [];
  }
}
