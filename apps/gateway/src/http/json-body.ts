import { BadRequestException, INestApplication, PayloadTooLargeException } from '@nestjs/common';
import { json, NextFunction, raw, Request, Response } from 'express';

export const JSON_BODY_LIMIT = '1mb';
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
  app.use(json({ limit: JSON_BODY_LIMIT }));
  app.use((error: { type?: string; message?: string; limit?: number }, _req: Request, _res: Response, next: NextFunction) => {
    if (error?.type === 'entity.parse.failed') return next(new BadRequestException(`malformed JSON body: ${error.message}`));
    if (error?.type === 'entity.too.large') return next(new PayloadTooLargeException(`request body is larger than ${error.limit ? `${error.limit} bytes` : JSON_BODY_LIMIT}`));
    return next(error);
  });
}
