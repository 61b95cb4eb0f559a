/** The paginators, one file each. */
export { cursor } from './cursor.ts';
export { graphqlPage } from './graphql.ts';
export { linkHeader } from './link-header.ts';
export { nextUrl } from './next-url.ts';
export { none } from './none.ts';
export { odata } from './odata.ts';
export { offset } from './offset.ts';
export { pageNumber } from './page-number.ts';
export type { PageOutcome, Paginator, ParamPlace } from './types.ts';
