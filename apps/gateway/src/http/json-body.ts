import { BadRequestException, INestApplication, PayloadTooLargeException } from '@nestjs/common';
import { json, NextFunction, Request, Response } from 'express';

export const JSON_BODY_LIMIT = '1mb';

/**
 * Parses JSON bodies and turns parser failures into API errors that say what is
 * wrong (Nest's default keeps only the parser's bare message).
 */
export function useJsonBodies(app: INestApplication): void {
  app.use(json({ limit: JSON_BODY_LIMIT }));
  app.use((error: { type?: string; message?: string }, _req: Request, _res: Response, next: NextFunction) => {
    if (error?.type === 'entity.parse.failed') return next(new BadRequestException(`malformed JSON body: ${error.message}`));
    if (error?.type === 'entity.too.large') return next(new PayloadTooLargeException(`request body is larger than ${JSON_BODY_LIMIT}`));
    return next(error);
  });
}
