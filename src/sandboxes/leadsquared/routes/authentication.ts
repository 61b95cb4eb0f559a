/**
 * Authenticate a User (whoami + region discovery). Works on any regional host, so it answers even
 * in wrong-region mode; `LSQCommonServiceURLs.api` is a bare host (no scheme, no /v2).
 * Quirks kept: the login email is in `PassPhrase` with `EmailAddress` null; `OrgId` is a GUID here
 * and the integer org id is the string `OrgShortCode`; Class/Group/SubRegionId are strings.
 */
import type { FastifyInstance } from 'fastify';
import { ROLES } from '../data/user-store.ts';
import { endpoint } from '../http/endpoint.ts';
import { accountOf } from '../http/request-context.ts';
import { sendValue } from '../http/respond.ts';
import type { SandboxState } from '../state.ts';

export const AUTHENTICATE_PATH = '/v2/Authentication.svc/UserByAccessKey.Get';

export function registerAuthenticationRoutes(app: FastifyInstance, state: SandboxState): void {
  endpoint(app, ['GET'], AUTHENTICATE_PATH, (request, reply) => {
    const { tenant: t, owner } = accountOf(request);
    const field = (name: string) => t.field(name)?.get(t, owner) ?? null;
    return sendValue(request, reply, {
      Class: '1',
      Group: '1',
      SubRegionId: '1',
      Id: t.users.idOf(owner),
      Name: t.users.fullNameOf(owner),
      PassPhrase: t.users.emailOf(owner),
      Role: ROLES[t.users.role[owner]],
      EmailAddress: null,
      SessionId: '',
      TimeZone: field('TimeZone') ?? 'Asia/Kolkata',
      TokenId: null,
      Type: 'ApplicationUser',
      OrgDisplayName: t.orgName,
      OrgId: t.orgGuid,
      OrgShortCode: String(t.orgId),
      OrgUniqueName: `t${t.orgId}${t.seed}`,
      DefaultCountryCode: '91',
      Website: `https://www.${t.users.emailDomain}`,
      Street1: field('Address') ?? '',
      Street2: '',
      City: field('City') ?? '',
      State: field('State') ?? '',
      Country: field('Country') ?? '',
      Phone: field('PhoneMain') ?? '',
      Fax: '',
      Zip: field('ZipCode') ?? '',
      AssociatedPhoneNumbers: field('AssociatedPhoneNumbers') ?? '',
      RestrictedFeatures: null,
      CustomerType: 'Enterprise',
      Plan: null,
      UserType: 'Regular',
      MobileServiceURLs: {
        ReportsURL: 'https://reports-sandbox.leadsquared.invalid',
        FileUploadURL: 'https://files-sandbox.leadsquared.invalid/File/Upload',
        MobileNotificationURL: 'https://notify-sandbox.leadsquared.invalid',
      },
      LSQCommonServiceURLs: {
        api: state.effectiveApiHost(),
        app: 'app-sandbox.leadsquared.invalid',
        tracking: 'tracking-sandbox.leadsquared.invalid',
      },
    });
  });
}
