/**
 * Fault injection for resilience tests: added latency (fixed plus jitter), errors by status code,
 * connection resets, truncated bodies and stalls. Each rule fires with a probability and may be
 * limited to paths starting with a prefix (case-insensitive). Latency rules add up; of the other
 * rules, the first that fires wins. `applyFault` carries a decision out on a Fastify request; the
 * vendor supplies the error body and how a truncated response is written.
 */
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

export const FAULT_KINDS = ['latency', 'error', 'reset', 'truncate', 'stall'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRule {
  kind: FaultKind;
  /** 0..1, default 1. */
  probability?: number;
  /** Only requests whose path starts with this, e.g. `/v2/UserManagement.svc/User/AdvancedSearch`. */
  pathPrefix?: string;
  /** latency: fixed delay in ms. */
  ms?: number;
  /** latency: extra uniformly random delay in [0, jitterMs). */
  jitterMs?: number;
  /** error: the HTTP status to answer with (default 500). */
  status?: number;
  /** Fire at most this many times, then stay quiet (default: every time). */
  times?: number;
}

export interface FaultDecision {
  delayMs: number;
  action: Exclude<FaultKind, 'latency'> | null;
  status: number;
}

function fail(message: string): never {
  throw new Error(`invalid fault rule: ${message}`);
}

export function validateFaultRule(input: unknown): FaultRule {
  const r = input as Record<string, unknown>;
  if (!r || typeof r !== 'object') fail('expected an object');
  if (!FAULT_KINDS.includes(r.kind as FaultKind)) fail(`kind must be one of ${FAULT_KINDS.join(', ')}`);
  const rule: FaultRule = { kind: r.kind as FaultKind };
  if (r.probability !== undefined) {
    if (typeof r.probability !== 'number' || r.probability < 0 || r.probability > 1)
      fail('probability must be 0..1');
    rule.probability = r.probability;
  }
  if (r.pathPrefix !== undefined) {
    if (typeof r.pathPrefix !== 'string') fail('pathPrefix must be a string');
    rule.pathPrefix = r.pathPrefix;
  }
  for (const key of ['ms', 'jitterMs'] as const) {
    if (r[key] !== undefined) {
      if (typeof r[key] !== 'number' || (r[key] as number) < 0) fail(`${key} must be a number >= 0`);
      rule[key] = r[key] as number;
    }
  }
  if (r.status !== undefined) {
    if (!Number.isInteger(r.status) || (r.status as number) < 100 || (r.status as number) > 599)
      fail('status must be 100..599');
    rule.status = r.status as number;
  }
  if (r.times !== undefined) {
    if (!Number.isInteger(r.times) || (r.times as number) < 1) fail('times must be a whole number >= 1');
    rule.times = r.times as number;
  }
  return rule;
}

export function validateFaultRules(input: unknown): FaultRule[] {
  const list = Array.isArray(input) ? input : [input];
  return list.map(validateFaultRule);
}

export class FaultInjector {
  private rules: FaultRule[] = [];
  private lowerPrefixes: (string | undefined)[] = [];
  /** How many times each rule fired (for `times`). */
  private fired: number[] = [];

  get list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r }));
    this.lowerPrefixes = this.rules.map((r) => r.pathPrefix?.toLowerCase());
    this.fired = this.rules.map(() => 0);
  }

  add(rule: FaultRule): void {
    this.set([...this.rules, rule]);
  }

  /** What to do to a request on `path` (no query string); null when no rule fires. */
  decide(path: string): FaultDecision | null {
    if (this.rules.length === 0) return null;
    const lowerPath = path.toLowerCase();
    let delayMs = 0;
    let action: FaultDecision['action'] = null;
    let status = 500;
    for (let k = 0; k < this.rules.length; k++) {
      const rule = this.rules[k];
      const prefix = this.lowerPrefixes[k];
      if (prefix !== undefined && !lowerPath.startsWith(prefix)) continue;
      if (rule.times !== undefined && this.fired[k]! >= rule.times) continue;
      if (Math.random() >= (rule.probability ?? 1)) continue;
      if (rule.kind === 'latency') {
        delayMs += (rule.ms ?? 0) + Math.random() * (rule.jitterMs ?? 0);
        this.fired[k]!++;
      } else if (action === null) {
        action = rule.kind;
        status = rule.status ?? 500;
        this.fired[k]!++;
      }
    }
    return delayMs > 0 || action !== null ? { delayMs, action, status } : null;
  }
}

/** What an emulator supplies to carry out fault decisions in its own style. */
export interface FaultEffects {
  /**
   * The body (and content type) of an injected error status, e.g. the vendor's 429 or 500 body, and any
   * headers the vendor sends with it (a 429's rate-limit headers).
   */
  errorBody(
    status: number,
    request: FastifyRequest,
  ): { body: string; contentType: string; headers?: Record<string, string | number> };
  /** Marks the request so that its response is sent truncated (see `sendTruncated`). */
  markTruncated(request: FastifyRequest): void;
  /** Sockets held open by stall faults; the emulator destroys them on close. */
  stalledSockets: Set<Socket>;
  /** Counts a fault that fired, by kind. */
  record(kind: FaultKind): void;
}

function act(
  decision: FaultDecision,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  effects: FaultEffects,
): void {
  switch (decision.action) {
    case null:
      done();
      return;
    case 'error': {
      effects.record('error');
      const { body, contentType, headers } = effects.errorBody(decision.status, request);
      reply
        .code(decision.status)
        .headers(headers ?? {})
        .type(contentType)
        .send(body);
      return;
    }
    case 'reset':
      effects.record('reset');
      reply.hijack();
      request.raw.socket.destroy();
      return;
    case 'stall': {
      effects.record('stall');
      reply.hijack();
      const socket = request.raw.socket;
      effects.stalledSockets.add(socket);
      socket.once('close', () => effects.stalledSockets.delete(socket));
      return;
    }
    case 'truncate':
      effects.record('truncate');
      effects.markTruncated(request);
      done();
      return;
  }
}

/** Carries out a decision inside an onRequest hook (callback style, so the common path allocates nothing). */
export function applyFault(
  decision: FaultDecision,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  effects: FaultEffects,
): void {
  if (decision.delayMs > 0) {
    effects.record('latency');
    setTimeout(() => act(decision, request, reply, done, effects), decision.delayMs);
  } else act(decision, request, reply, done, effects);
}

/** Writes headers claiming the full length, about half the body, then drops the connection. */
export function sendTruncated(
  reply: FastifyReply,
  status: number,
  body: string | Buffer,
  headers: Record<string, string | number | string[]>,
): FastifyReply {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(status, { ...headers, 'content-length': bytes.length });
  raw.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => raw.socket?.destroy());
  return reply;
}
