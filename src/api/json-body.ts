/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks included), behind a depth check done on
 * the raw text, so that a deeply nested body is a 400 before anything parses, hashes or copies it
 * recursively.
 */
import type { FastifyInstance } from 'fastify';
import { SwitchboardError } from '../errors.ts';

export const MAX_JSON_DEPTH = 64;

/** The deepest nesting of arrays and objects in JSON text (strings skipped); stops counting past `limit`. */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return deepest;
}

/** Whether any string (key or value) holds a NUL character, which no database column accepts. */
function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([key, v]) => key.includes('\u0000') || holdsNul(v));
  }
  return false;
}

export function registerJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(
        new SwitchboardError('BODY_TOO_DEEP', `the JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`),
        undefined,
      );
      return;
    }
    parse(request, text, (error, parsed) => {
      // A NUL can only arrive escaped; the walk runs only when the text holds that escape.
      if (!error && text.includes('\\u0000') && holdsNul(parsed)) {
        done(
          new SwitchboardError('INVALID_REQUEST', 'the JSON body holds a NUL character (\\u0000)'),
          undefined,
        );
        return;
      }
      done(error, parsed);
    });
  });
}

/** NUL characters in a URL (`%00`) are refused before routing: no id, name or filter may hold one. */
export function refusesNul(url: string): boolean {
  return /%00/.test(url) || url.includes('\u0000');
}
