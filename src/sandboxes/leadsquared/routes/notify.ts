/** Notify Users: an email to users picked by address or by role (exactly one of the two). */
import type { FastifyInstance } from 'fastify';
import { nowSeconds } from '../data/dates.ts';
import { ROLES, roleIndex } from '../data/user-store.ts';
import { endpoint } from '../http/endpoint.ts';
import { invalidInput } from '../http/errors.ts';
import { requireString } from '../http/parse.ts';
import { accountOf } from '../http/request-context.ts';
import { bodyObject, sendValue } from '../http/respond.ts';

/** The sandbox keeps at most this many recipients per logged notification. */
const MAX_LOGGED_RECIPIENTS = 1000;

export function registerNotifyRoutes(app: FastifyInstance): void {
  endpoint(app, ['POST'], '/v2/UserManagement.svc/NotifyUsers', (request, reply) => {
    const t = accountOf(request).tenant;
    const body = bodyObject(request);
    const content = (body.EmailContent ?? {}) as Record<string, unknown>;
    const from = requireString(content.From, 'From', 'notifying users');
    const subject = requireString(content.Subject, 'Subject', 'notifying users');
    const html = requireString(content.ContentHTML, 'ContentHTML', 'notifying users');
    const emails = Array.isArray(body.UserEmailAddresses) ? (body.UserEmailAddresses as unknown[]) : [];
    const roles = Array.isArray(body.Roles) ? (body.Roles as unknown[]) : [];
    if (emails.length > 0 === roles.length > 0) {
      throw invalidInput('Pass either UserEmailAddresses or Roles, and leave the other empty');
    }
    const recipients: string[] = [];
    for (const email of emails) {
      const i = t.users.indexOfEmail(email);
      if (!t.isActive(i))
        throw invalidInput(`Invalid Input! Parameter Name: UserEmailAddresses (${String(email)})`);
      recipients.push(t.users.emailOf(i));
    }
    const wanted = roles.map((r) => {
      const k = roleIndex(r);
      if (k < 0) throw invalidInput(`Invalid Input! Parameter Name: Roles (${String(r)})`);
      return ROLES[k];
    });
    if (wanted.length > 0) {
      const u = t.users;
      for (let i = 0; i < u.count && recipients.length < MAX_LOGGED_RECIPIENTS; i++) {
        if (t.isActive(i) && wanted.includes(ROLES[u.role[i]])) recipients.push(u.emailOf(i));
      }
    }
    t.notifications.push({ at: nowSeconds(), from, subject, contentHtml: html, recipients });
    return sendValue(request, reply, { Status: 'Success' });
  });
}
