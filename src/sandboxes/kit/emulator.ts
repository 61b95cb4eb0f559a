/**
 * The emulator frame: builds the Fastify app, checks auth on the vendor's routes (OAuth bearer via the
 * kit's server, static tokens, API keys, Basic), applies the rate limit with the vendor's headers and
 * body, injects faults, counts stats, mounts the common `/__sandbox` control routes and listens.
 *
 * Every request but `/__sandbox` ones goes: stats → `onRequest` hook → (OAuth and public routes skip to
 * faults) → auth (401 via `unauthorized`) → rate limit (keyed per principal) → faults → handler.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Authenticator, Principal } from './auth.ts';
import { type ControlRoute, registerCommonControlRoutes } from './control-routes.ts';
import {
  applyFault,
  type FaultEffects,
  FaultInjector,
  type FaultRule,
  sendTruncated,
  validateFaultRule,
  validateFaultRules,
} from './faults.ts';
import type { OAuthControl } from './oauth/control.ts';
import type { OAuthServer } from './oauth/server.ts';
import {
  MultiWindowLimiter,
  type RateDecision,
  type RateHeaderWriter,
  type RateWindow,
} from './rate-limit.ts';
import './request-context.ts';
import { RequestStats, type StatsSnapshot } from './stats.ts';

export interface VendorReply {
  status?: number;
  body: unknown;
  headers?: Record<string, string | number>;
}

export interface RateLimitSpec {
  windows: RateWindow[];
  /** Status of refused calls (default 429; 200 for vendors that answer throttling with an error body). */
  status?: number;
  /** What counts as one caller (default: the principal's key). */
  key?: (request: FastifyRequest, principal: Principal) => string;
  /** A call's cost, for `unit: 'cost'` windows (default 1). */
  cost?: (request: FastifyRequest) => number;
  /** The vendor's rate-limit headers, on every limited response (allowed or refused). */
  headers?: RateHeaderWriter;
  /** The vendor's body for a refused call. */
  body: (decision: RateDecision, request: FastifyRequest) => unknown;
}

export interface RateLimitSettings {
  windows: RateWindow[];
  status: number;
}

export interface EmulatorSpec {
  /** The vendor's name, for banners and `/__sandbox`. */
  name: string;
  /** Tried in order on every API route. */
  authenticators: Authenticator[];
  /** The vendor's answer to missing or unknown credentials (status default 401). */
  unauthorized: (request: FastifyRequest) => VendorReply;
  oauth?: OAuthServer;
  /** Off when absent; the windows can still be changed at run time when present. */
  rateLimit?: RateLimitSpec;
  faults?: FaultRule[];
  /** The body of an injected error status (default `{"error":"injected fault","status":…}`), and its headers. */
  faultBody?: (
    status: number,
    request: FastifyRequest,
  ) => { body: string; contentType: string; headers?: Record<string, string | number> };
  /** Paths (no query) served without auth or rate limit, e.g. a vendor's discovery document. */
  publicPaths?: (path: string) => boolean;
  /** Runs first on every non-control request, e.g. to set a correlation-id header. */
  onRequest?: (request: FastifyRequest, reply: FastifyReply) => void;
  /** Registers the vendor's routes, error handler and not-found handler. */
  routes: (app: FastifyInstance) => void;
  /** Extra `/__sandbox` routes of the vendor's own. */
  controlRoutes?: (route: ControlRoute) => void;
  fastify?: { caseSensitive?: boolean; ignoreTrailingSlash?: boolean; logger?: boolean; bodyLimit?: number };
}

export interface EmulatorControl {
  readonly name: string;
  stats(): StatsSnapshot;
  resetStats(): void;
  setFaults(rules: FaultRule[]): void;
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  getFaults(): FaultRule[];
  /** Null when the emulator has no rate limit. */
  getRateLimit(): RateLimitSettings | null;
  /** Changes windows and/or status; forgets earlier calls. `{ windows: [] }` turns limiting off. */
  setRateLimit(next: Partial<RateLimitSettings>): RateLimitSettings;
  readonly oauth?: OAuthControl;
}

export interface Emulator {
  /** Origin, e.g. `http://127.0.0.1:8282`. */
  url: string;
  app: FastifyInstance;
  control: EmulatorControl;
  close(): Promise<void>;
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** `/crm/v3/owners/:ownerId` → `/crm/v3/owners/{ownerId}`; unknown routes by raw path. */
function routeName(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  return url ? url.replace(/:([A-Za-z0-9_]+)/g, '{$1}') : pathOf(request.url);
}

function defaultFaultBody(status: number) {
  return {
    body: JSON.stringify({ error: 'injected fault', status }),
    contentType: 'application/json; charset=utf-8',
  };
}

/** Builds the app and control without listening (use `app.inject` or `listen` yourself). */
export function buildEmulator(spec: EmulatorSpec): {
  app: FastifyInstance;
  control: EmulatorControl;
  stalled: Set<Socket>;
} {
  const app = Fastify({
    logger: spec.fastify?.logger ?? false,
    genReqId: () => randomUUID(),
    forceCloseConnections: true,
    bodyLimit: spec.fastify?.bodyLimit,
    routerOptions: {
      caseSensitive: spec.fastify?.caseSensitive ?? true,
      ignoreTrailingSlash: spec.fastify?.ignoreTrailingSlash ?? true,
    },
  });
  app.decorateRequest('principal', null);
  app.decorateRequest('kitTruncate', false);

  const limitSpec = spec.rateLimit;
  const limiter = new MultiWindowLimiter(limitSpec?.windows ?? []);
  let limitStatus = limitSpec?.status ?? 429;
  const stats = new RequestStats(limiter.windows);
  const faults = new FaultInjector();
  if (spec.faults) faults.set(validateFaultRules(spec.faults));
  const stalled = new Set<Socket>();
  const effects: FaultEffects = {
    errorBody: (status, request) => (spec.faultBody ?? defaultFaultBody)(status, request),
    markTruncated: (request) => {
      request.kitTruncate = true;
    },
    stalledSockets: stalled,
    record: (kind) => stats.recordFault(kind),
  };

  const withFaults = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    const decision = faults.decide(pathOf(request.url));
    if (decision) applyFault(decision, request, reply, done, effects);
    else done();
  };

  app.addHook('onRequest', (request, reply, done) => {
    const path = pathOf(request.url);
    if (path.startsWith('/__sandbox')) return done();
    stats.recordRequest(routeName(request), request.headers.host, request.raw.url ?? request.url);
    spec.onRequest?.(request, reply);
    const kitRoute = request.routeOptions.config?.kitRoute;
    if (kitRoute === 'oauth-token') stats.recordTokenEndpoint();
    if (kitRoute || spec.publicPaths?.(path)) return withFaults(request, reply, done);

    let principal: Principal | undefined;
    for (const authenticate of spec.authenticators) {
      principal = authenticate(request);
      if (principal) break;
    }
    if (!principal) {
      stats.recordUnauthorized();
      const answer = spec.unauthorized(request);
      reply
        .code(answer.status ?? 401)
        .headers(answer.headers ?? {})
        .send(answer.body);
      return;
    }
    request.principal = principal;
    const key = limitSpec?.key?.(request, principal) ?? principal.key;
    const now = Date.now();
    stats.recordCall(key, now);
    if (limitSpec && limiter.windows.length > 0) {
      const decision = limiter.take(key, now, limitSpec.cost?.(request) ?? 1);
      if (limitSpec.headers) reply.headers(limitSpec.headers(decision));
      if (!decision.allowed) {
        stats.recordRateLimited(key);
        reply.code(limitStatus).send(limitSpec.body(decision, request));
        return;
      }
    }
    withFaults(request, reply, done);
  });

  // A truncate fault: headers with the full length, half the body, then the connection drops.
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.kitTruncate || !(typeof payload === 'string' || Buffer.isBuffer(payload))) {
      done(null, payload);
      return;
    }
    const headers: Record<string, string | number | string[]> = {};
    for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = v;
    sendTruncated(reply, reply.statusCode, payload, headers);
  });

  const control: EmulatorControl = {
    name: spec.name,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    setFaults: (rules) => faults.set(validateFaultRules(rules)),
    addFault: (rule) => faults.add(validateFaultRule(rule)),
    clearFaults: () => faults.set([]),
    getFaults: () => faults.list,
    getRateLimit: () => (limitSpec ? { windows: limiter.windows, status: limitStatus } : null),
    setRateLimit(next) {
      if (!limitSpec) throw new Error(`${spec.name} emulator has no rate limit`);
      if (
        next.status !== undefined &&
        !(Number.isInteger(next.status) && next.status >= 200 && next.status <= 599)
      )
        throw new Error('status must be an HTTP status');
      if (next.windows !== undefined) {
        if (!Array.isArray(next.windows)) throw new Error('windows must be a list');
        limiter.configure(next.windows);
        if (next.windows.length > 0) stats.measureWindows(limiter.windows);
      } else limiter.reset();
      if (next.status !== undefined) limitStatus = next.status;
      return { windows: limiter.windows, status: limitStatus };
    },
    oauth: spec.oauth?.control,
  };

  const route = registerCommonControlRoutes(app, control);
  spec.controlRoutes?.(route);
  spec.oauth?.register(app);
  spec.routes(app);
  return { app, control, stalled };
}

export async function startEmulator(
  spec: EmulatorSpec,
  options: { port?: number; host?: string } = {},
): Promise<Emulator> {
  const { app, control, stalled } = buildEmulator(spec);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return {
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}`,
    app,
    control,
    async close() {
      for (const socket of stalled) socket.destroy();
      await app.close();
    },
  };
}
