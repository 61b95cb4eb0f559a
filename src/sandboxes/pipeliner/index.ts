/**
 * Pipeliner sandbox: an emulator of Pipeliner CRM's REST API v100 for its users (`entities/Clients`) over
 * real HTTP, on the emulator kit. Every URL carries the space, `/api/v100/rest/spaces/{space_id}/…`
 * (https://developers.pipelinersales.com/api-docs/overview/about-the-api); each space has one API key pair
 * used as HTTP Basic user name and password
 * (https://developers.pipelinersales.com/api-docs/overview/authentication). See docs/integrations/pipeliner.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { basicAuth } from '../kit/auth.ts';
import { type EmulatorControl, startEmulator } from '../kit/emulator.ts';
import type { FaultRule } from '../kit/faults.ts';
import { hashGuid } from '../kit/random.ts';
import { type RateWindow, retryAfterHeader } from '../kit/rate-limit.ts';
import {
  type ClientPatch,
  type ClientRecord,
  type NewClient,
  type PipelinerClient,
  seedClients,
  toPublic,
} from './clients.ts';
import {
  entityNotFound,
  InvalidParameter,
  notFoundError,
  plainError,
  tooManyRequestsError,
  unauthorizedError,
} from './errors.ts';
import { loadOnly, pageOf, parseClientQuery } from './query.ts';

export type { PipelinerClient } from './clients.ts';
export { DOCS_EXAMPLE_ID } from './clients.ts';

/** Not published by Pipeliner: a guess (docs/integrations/pipeliner.md), twice the pace the integration keeps. */
export const DEFAULT_WINDOWS: RateWindow[] = [{ name: 'space', limit: 10, windowMs: 1000 }];

export interface PipelinerSandboxOptions {
  /** People to seed (default 200), plus two Pipeliner support accounts. */
  users?: number;
  seed?: number;
  /** The space id (default `fr_Acme`). */
  space?: string;
  /** The API key pair: Basic user name and password (default derived from the seed). */
  username?: string;
  password?: string;
  port?: number;
  host?: string;
  /** Default `DEFAULT_WINDOWS`; `null` turns limiting off. */
  rateLimit?: RateWindow[] | null;
  faults?: FaultRule[];
}

export interface PipelinerSandboxControl extends EmulatorControl {
  /** Clients as the API returns them, in id order; without `includeDeleted`, only active ones. */
  list(options?: { includeDeleted?: boolean }): PipelinerClient[];
  get(id: string): PipelinerClient | undefined;
  add(client: NewClient): PipelinerClient;
  update(id: string, patch: ClientPatch): PipelinerClient;
  /** Deletes (deactivates) a user; `false` restores it. */
  remove(id: string, deleted?: boolean): PipelinerClient;
  /** The API key pair stops working (the application was deleted or its keys regenerated). */
  revokeKeys(): void;
  /** The last 1,000 API request targets (path and query, as sent), oldest first. */
  requests(): string[];
}

export interface PipelinerSandbox {
  url: string;
  space: string;
  username: string;
  password: string;
  /** `url` + `/api/v100/rest/spaces/{space}`: where the API lives. */
  baseUrl: string;
  control: PipelinerSandboxControl;
  close(): Promise<void>;
}

const API = '/api/v100/rest/spaces/:space';

export async function startPipelinerSandbox(
  options: PipelinerSandboxOptions = {},
): Promise<PipelinerSandbox> {
  const seed = options.seed ?? 42;
  const space = options.space ?? 'fr_Acme';
  const username = options.username ?? `${space}_${hashGuid(seed, 3, 8101).replaceAll('-', '').slice(0, 20)}`;
  const password = options.password ?? hashGuid(seed, 4, 8102).replaceAll('-', '');
  const store = seedClients(options.users ?? 200, seed);
  const keys = new Map([[username, { password, space }]]);
  let base = '';
  const requestLog: string[] = [];
  const render = (r: ClientRecord, timeZone?: string) => toPublic(r, { base, timeZone });

  const routes = (app: FastifyInstance) => {
    const checkSpace = (request: FastifyRequest) => {
      const { space: asked } = request.params as { space: string };
      return request.principal?.account === asked;
    };
    const timeZoneOf = (request: FastifyRequest) => {
      const h = request.headers['timezone'];
      return Array.isArray(h) ? h[0] : h;
    };
    app.get(`${API}/entities/Clients`, async (request, reply) => {
      if (!checkSpace(request)) return unauthorized(reply);
      const q = parseClientQuery(request.query as Record<string, unknown>);
      const page = pageOf(store.all(), q);
      const tz = timeZoneOf(request);
      return {
        success: true,
        total: page.total,
        page_info: {
          start_cursor: page.startCursor,
          end_cursor: page.endCursor,
          has_previous_page: page.hasPrevious,
          has_next_page: page.hasNext,
        },
        data: page.items.map((r) => loadOnly(render(r, tz), q.loadOnly)),
      };
    });
    app.get(`${API}/entities/Clients/:id`, async (request, reply) => {
      if (!checkSpace(request)) return unauthorized(reply);
      const { id } = request.params as { id: string };
      const q = request.query as Record<string, unknown>;
      const includeDeleted = q['include-deleted'] === 'true';
      const record = store.get(id);
      if (!record || (record.is_deleted && !includeDeleted)) return reply.code(404).send(entityNotFound(id));
      return { success: true, data: render(record, timeZoneOf(request)) };
    });
    app.setNotFoundHandler((_request, reply) => {
      reply.code(404).send(notFoundError());
    });
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      if (error instanceof InvalidParameter) return reply.code(400).send(error.body());
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      reply.code(status).send(plainError(status, error.message));
    });
  };

  const emulator = await startEmulator(
    {
      name: 'Pipeliner',
      authenticators: [
        basicAuth((user, pass) => {
          const key = keys.get(user);
          return key && key.password === pass ? { key: user, kind: 'basic', account: key.space } : undefined;
        }),
      ],
      unauthorized: () => ({
        body: unauthorizedError(),
        headers: { 'www-authenticate': 'Basic realm="restapi"' },
      }),
      rateLimit: {
        windows: options.rateLimit === undefined ? DEFAULT_WINDOWS : (options.rateLimit ?? []),
        key: (_request, principal) => principal.account ?? principal.key,
        headers: retryAfterHeader(),
        body: () => tooManyRequestsError(),
      },
      faults: options.faults,
      onRequest: (request) => {
        if (requestLog.push(request.url) > 1000) requestLog.shift();
      },
      faultBody: (status) => ({
        body: JSON.stringify(plainError(status, 'Internal Server Error')),
        contentType: 'application/json',
      }),
      routes,
    },
    { port: options.port, host: options.host },
  );
  base = `${emulator.url}/api/v100/rest/spaces/${space}`;

  const control: PipelinerSandboxControl = {
    ...emulator.control,
    list: (opts = {}) =>
      store
        .all()
        .filter((r) => opts.includeDeleted || !r.is_deleted)
        .map((r) => render(r)),
    get: (id) => {
      const r = store.get(id);
      return r && render(r);
    },
    add: (client) => render(store.add(client)),
    update: (id, patch) => render(store.update(id, patch)),
    remove: (id, deleted) => render(store.remove(id, deleted)),
    revokeKeys: () => keys.clear(),
    requests: () => [...requestLog],
  };
  return {
    url: emulator.url,
    space,
    username,
    password,
    baseUrl: base,
    control,
    close: () => emulator.close(),
  };
}

function unauthorized(reply: FastifyReply) {
  return reply.code(401).header('www-authenticate', 'Basic realm="restapi"').send(unauthorizedError());
}
