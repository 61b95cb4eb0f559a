import { followLink, type Paginator, withParam } from './types.ts';

/** The `rel` target of an RFC 8288 `Link` header, or undefined. */
export function linkTarget(header: string | string[] | undefined, rel: string): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  for (const part of text.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]!)?.[1]?.split(/\s+/) ?? [];
    if (rels.includes(rel)) return match[1];
  }
  return undefined;
}

/** Pages linked by the `Link` response header (Capsule, GitHub style). */
export function linkHeader(options: { size?: string; rel?: string } = {}): Paginator<string> {
  const rel = options.rel ?? 'next';
  return {
    describe: `Link header paging (rel="${rel}")`,
    page(call, state, pageSize) {
      if (state !== undefined) return followLink(call, state);
      return options.size ? withParam(call, 'query', options.size, pageSize) : call;
    },
    next: ({ response }) => linkTarget(response.headers['link'], rel),
  };
}
