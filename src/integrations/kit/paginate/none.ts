import type { Paginator } from './types.ts';

/** The vendor answers everything at once. */
export function none(): Paginator<never> {
  return { describe: 'one page (the vendor does not page)', page: (call) => call, next: () => undefined };
}
