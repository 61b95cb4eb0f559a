import { describe, expect, it } from 'vitest';
import { basePathOf } from '../types.ts';
import { basicAuth } from './auth.ts';
import { defineIntegration, fillPathTemplate } from './define.ts';
import { none } from './paginate/index.ts';
import { resource } from './resource.ts';

const spec = (basePath?: string) =>
  defineIntegration({
    name: 'acme',
    label: 'Acme',
    category: 'crm',
    auth: [
      basicAuth({ username: { name: 'user', label: 'User', type: 'text', secret: false, required: true } }),
    ],
    baseUrl: 'https://api.acme.example',
    served: ['https://api.acme.example'],
    basePath,
    rateLimit: { calls: 10, windowSeconds: 1 },
    errors: {},
    resources: {
      users: resource({
        description: 'users',
        list: { request: { path: '/users' }, paginator: none(), records: '' },
      }),
    },
    unified: {},
  });

describe('defineIntegration base paths', () => {
  it('fills a templated base path per account, each value one URL-encoded segment', () => {
    const integration = spec('/api/v100/rest/spaces/{space_id}');
    expect(basePathOf(integration, { space_id: 'fr_Acme' })).toBe('/api/v100/rest/spaces/fr_Acme');
    expect(basePathOf(integration, { space_id: '../x/y?z' })).toBe('/api/v100/rest/spaces/..%2Fx%2Fy%3Fz');
    expect(basePathOf(integration, { space_id: '..' })).toBe('/api/v100/rest/spaces/%2E%2E');
    expect(fillPathTemplate('/a/{missing}', {})).toBe('/a/');
  });

  it('keeps a static base path as it is', () => {
    expect(spec('/v2').basePathFor).toBeUndefined();
    expect(basePathOf(spec('/v2'), { space_id: 'x' })).toBe('/v2');
    expect(basePathOf(spec(), {})).toBe('');
  });
});
