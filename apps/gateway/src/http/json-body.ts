import { BadRequestException, INestApplication, PayloadTooLargeException } from '@nestjs/common';
import { json, NextFunction, raw, Request, Response } from 'express';
import { withoutBodyExcerpt } from './api-error.filter';

export const JSON_BODY_LIMIT = '1mb';
/**
 * The deepest nesting a JSON body may have. The deepest body the API takes (an
 * evidence pack for verification) nests about a dozen levels; a body nested
 * thousands deep only exists to make recursive code overflow its stack.
 */
export const JSON_MAX_DEPTH = 64;
/** An evidence pack with its screenshot and PDF; far above any pack a run produces, far below memory trouble. */
export const ZIP_BODY_LIMIT = '50mb';
/** The one route that takes a ZIP upload; everywhere else a ZIP body stays unparsed and fails validation. */
export const ZIP_BODY_ROUTES = ['/api/pipeline/evidence/verify'];
export const ZIP_CONTENT_TYPES = ['application/zip', 'application/x-zip-compressed'];

/**
 * Parses JSON bodies (and ZIP uploads on the routes that take them) and turns
 * parser failures into API errors that say what is wrong (Nest's default keeps
 * only the parser's bare message).
 */
export function useJsonBodies(app: INestApplication): void {
  for (const route of ZIP_BODY_ROUTES) app.use(route, raw({ type: ZIP_CONTENT_TYPES, limit: ZIP_BODY_LIMIT }));
  app.use(json({ limit: JSON_BODY_LIMIT, verify: refuseDeepNesting }));
  app.use((error: { type?: string; message?: string; limit?: number }, _req: Request, _res: Response, next: NextFunction) => {
    if (error?.type === 'entity.parse.failed') return next(new BadRequestException(`malformed JSON body: ${withoutBodyExcerpt(String(error.message))}`));
    if (error?.type === 'entity.too.deep') return next(new BadRequestException({ message: error.message, details: [{ path: '(root)', message: error.message }] }));
    if (error?.type === 'entity.too.large') return next(new PayloadTooLargeException(`request body is larger than ${error.limit ? `${error.limit} bytes` : JSON_BODY_LIMIT}`));
    return next(error);
  });
}

/**
 * body-parser's verify hook, run on the raw bytes before JSON.parse: counts
 * bracket depth outside strings, so an over-deep body is refused (400) before
 * anything recursive sees it.
 */
export function refuseDeepNesting(_req: unknown, _res: unknown, buffer: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buffer.length; i++) {
    const byte = buffer[i];
    if (inString) {
      if (byte === 0x5c) i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
      continue;
    }
    if (byte === 0x22) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > JSON_MAX_DEPTH) throw Object.assign(new Error(`JSON body nests deeper than ${JSON_MAX_DEPTH} levels`), { type: 'entity.too.deep', status: 400, expose: true });
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
}
