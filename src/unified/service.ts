/**
 * The unified API's one entry point: a route hands it a request (the account, the resource, the query or
 * body as the client sent them) once and gets back what to answer — a page, a record, a stream of
 * records, a write's result — with the headers to set. Opening the account, parsing filters, planning
 * pushdown, paging through the vendor, mapping, local filtering, cursors and output shaping happen here.
 */
import { createHash } from 'node:crypto';
import type { Keyring } from '../crypto/keyring.ts';
import { decodeCursor, encodeCursor } from '../crypto/signed-cursor.ts';
import { SwitchboardError } from '../errors.ts';
import type { AccountCaller, RequestOptions } from '../upstream/account-caller.ts';
import type { RateBudget } from '../upstream/client.ts';
import { checkBody } from './body.ts';
import { type EngineCursor, fetchUnifiedPage, getUnified, listMappingOf, walkUnified } from './engine.ts';
import { RESOURCE_SPECS, type ResourceSpec } from './models.ts';
import { keyBy, shapeRecord } from './output.ts';
import { type OutputOptions, parseListRequest, parseOutputOptions } from './query.ts';
import type { Condition, ListQuery, UnifiedRecord, UnifiedResourceMapping } from './types.ts';

const DEFAULT_LIMIT = 100;

export interface UnifiedServiceDeps {
  keyring: Keyring;
  open(environmentId: string, accountId: string, request: RequestOptions): Promise<AccountCaller>;
  /** Lookup tables cached per account are dropped after a write. */
  invalidateLookups(accountId: string): void;
}

export interface ResourceRef {
  environmentId: string;
  accountId: string;
  model: string;
  resource: string;
}

/** What the route answers with: the body, and headers about the vendor budget and the filters applied. */
export interface UnifiedAnswer<T> {
  body: T;
  budget: RateBudget | undefined;
  headers: Record<string, string>;
}

interface UnifiedCursor {
  /** model/resource, account and query fingerprint: a cursor only continues the walk it came from. */
  k: string;
  a: string;
  h: string;
  e: EngineCursor;
}

export function specOf(model: string, resource: string): ResourceSpec {
  const spec = RESOURCE_SPECS[`${model}/${resource}`];
  if (!spec) {
    throw new SwitchboardError(
      'NOT_FOUND',
      `no unified resource ${model}/${resource}; available: ${Object.keys(RESOURCE_SPECS).join(', ')}`,
    );
  }
  return spec;
}

function fingerprint(query: ListQuery): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}

function describe(conditions: Condition[]): string {
  return conditions.map((c) => `${c.field}[${c.op}]`).join(',');
}

/** `remote_query[...]` as flat string parameters for the vendor. */
function remoteQueryOf(raw: Record<string, unknown>): Record<string, string> {
  const value = raw['remote_query'] ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SwitchboardError('INVALID_REQUEST', 'remote_query must be an object');
  }
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(value)) out[key] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

export class UnifiedService {
  readonly #deps: UnifiedServiceDeps;

  constructor(deps: UnifiedServiceDeps) {
    this.#deps = deps;
  }

  /** One page: `{ result, next_cursor, prev_cursor, result_count }` in the requested format. */
  async list(
    ref: ResourceRef,
    raw: Record<string, unknown>,
  ): Promise<UnifiedAnswer<Record<string, unknown>>> {
    const { spec, caller, mapping, parsed, pageSize, key } = await this.#prepareList(ref, raw);
    const hash = fingerprint(parsed.query);
    let cursor: EngineCursor | undefined;
    if (parsed.nextCursor) {
      const state = decodeCursor<UnifiedCursor>(this.#deps.keyring, parsed.nextCursor);
      if (state.k !== key || state.a !== caller.accountId || state.h !== hash) {
        throw new SwitchboardError(
          'INVALID_CURSOR',
          'next_cursor belongs to another list: pass it back with the same account, resource and filters',
        );
      }
      cursor = state.e;
    }
    const page = await fetchUnifiedPage(
      caller,
      spec,
      mapping,
      caller.integration.name,
      parsed.query,
      pageSize,
      cursor,
      undefined,
      // The raw format is the vendor's page as it came.
      parsed.output.format !== 'raw',
    );
    const nextCursor = page.next
      ? encodeCursor(this.#deps.keyring, { k: key, a: caller.accountId, h: hash, e: page.next })
      : null;
    const headers = {
      'x-switchboard-filters-vendor': describe(page.pushed),
      'x-switchboard-filters-local': describe(page.local),
    };
    if (parsed.output.format === 'raw') {
      return {
        body: {
          result: page.raw,
          next_cursor: nextCursor,
          prev_cursor: null,
          result_count: page.records.length,
        },
        budget: caller.budget,
        headers,
      };
    }
    const shaped = page.records.map((r) => shapeRecord(r, parsed.output));
    return {
      body: {
        result: parsed.output.keyBy ? keyBy(shaped, parsed.output.keyBy) : shaped,
        next_cursor: nextCursor,
        prev_cursor: null,
        result_count: shaped.length,
      },
      budget: caller.budget,
      headers,
    };
  }

  /** `truto_response_format=stream`: every matching record, shaped, one vendor page in memory at a time. */
  async stream(ref: ResourceRef, raw: Record<string, unknown>): Promise<AsyncIterable<unknown> | undefined> {
    const parsed = parseOutputOptions(raw);
    if (parsed.format !== 'stream') return undefined;
    const { spec, caller, mapping, parsed: list } = await this.#prepareList(ref, raw);
    const records = walkUnified(
      caller,
      spec,
      mapping,
      caller.integration.name,
      list.query,
      listMappingOf(spec, mapping, caller.integration.name).maxPageSize,
    );
    return (async function* () {
      for await (const record of records) yield shapeRecord(record, list.output);
    })();
  }

  /** One record: the unified record (bare object), or the vendor's with `truto_response_format=raw`. */
  async get(ref: ResourceRef, id: string, raw: Record<string, unknown>): Promise<UnifiedAnswer<unknown>> {
    const spec = specOf(ref.model, ref.resource);
    const output = parseOutputOptions(raw);
    const caller = await this.#deps.open(ref.environmentId, ref.accountId, {
      remoteQuery: remoteQueryOf(raw),
    });
    const record = await getUnified(caller, spec, this.#mapping(caller, spec), caller.integration.name, id);
    return {
      body: output.format === 'raw' ? record.remote_data : shapeRecord(record, output),
      budget: caller.budget,
      headers: {},
    };
  }

  /** A write (create, update, delete or a custom method); writes may retry only with an Idempotency-Key. */
  async write(
    ref: ResourceRef,
    input: {
      operation: 'create' | 'update' | 'delete' | 'method';
      id?: string;
      method?: string;
      body: unknown;
      idempotent: boolean;
      query: Record<string, unknown>;
    },
  ): Promise<UnifiedAnswer<unknown> & { status: number }> {
    const spec = specOf(ref.model, ref.resource);
    const caller = await this.#deps.open(ref.environmentId, ref.accountId, { idempotent: input.idempotent });
    const mapping = caller.integration.unified[`${spec.model}/${spec.resource}`];
    const what = `${spec.model}/${spec.resource}`;
    const unsupported = (operation: string) =>
      new SwitchboardError(
        'METHOD_NOT_ALLOWED',
        `${caller.integration.label} does not support ${operation} on ${what}`,
      );
    const output = parseOutputOptions(input.query);
    const shape = async (vendorRecord: unknown) => {
      const record = (await mapping!.mapper(caller))(vendorRecord);
      return record === undefined ? vendorRecord : shapeRecord(record, output);
    };
    let status = 200;
    let body: unknown;
    switch (input.operation) {
      case 'create': {
        if (!mapping?.create) throw unsupported('create');
        const fields = checkBody(input.body, mapping.create.body, `create ${what}`);
        body = await shape(await mapping.create.run(caller, { body: fields }));
        status = 201;
        break;
      }
      case 'update': {
        if (!mapping?.update) throw unsupported('update');
        const fields = checkBody(input.body, mapping.update.body, `update ${what}`);
        body = await shape(await mapping.update.run(caller, { id: input.id!, body: fields }));
        break;
      }
      case 'delete': {
        if (!mapping?.delete) throw unsupported('delete');
        await mapping.delete.run(caller, { id: input.id! });
        body = { id: input.id };
        break;
      }
      case 'method': {
        const name = input.method!;
        const custom =
          mapping?.methods && Object.hasOwn(mapping.methods, name) ? mapping.methods[name] : undefined;
        if (!custom) {
          const known = Object.keys(mapping?.methods ?? {});
          throw new SwitchboardError(
            'NOT_FOUND',
            `${caller.integration.label} has no method "${name}" on ${what}` +
              (known.length ? `; available: ${known.join(', ')}` : ''),
          );
        }
        const fields = checkBody(input.body, custom.body, `${what}/${name}`);
        body = { result: await custom.run(caller, { body: fields }) };
        break;
      }
    }
    this.#deps.invalidateLookups(caller.accountId);
    return { status, body, budget: caller.budget, headers: {} };
  }

  #mapping(caller: AccountCaller, spec: ResourceSpec): UnifiedResourceMapping | undefined {
    return caller.integration.unified[`${spec.model}/${spec.resource}`];
  }

  async #prepareList(ref: ResourceRef, raw: Record<string, unknown>) {
    const spec = specOf(ref.model, ref.resource);
    const caller = await this.#deps.open(ref.environmentId, ref.accountId, {
      remoteQuery: remoteQueryOf(raw),
    });
    const key = `${spec.model}/${spec.resource}`;
    const mapping = this.#mapping(caller, spec);
    const list = listMappingOf(spec, mapping, caller.integration.name);
    const parsed = parseListRequest(raw, spec, list.maxPageSize);
    const pageSize = parsed.ignoreLimit
      ? list.maxPageSize
      : Math.min(parsed.limit ?? DEFAULT_LIMIT, list.maxPageSize);
    return { spec, caller, mapping: mapping!, parsed, pageSize, key };
  }
}

export type { OutputOptions, UnifiedRecord };
