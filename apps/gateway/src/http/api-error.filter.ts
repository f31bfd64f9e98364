import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import type { Response } from 'express';
import { STATUS_CODES } from 'node:http';
import { Observable, throwError } from 'rxjs';
import { QueryFailedError } from 'typeorm';
import { rootLogger } from '@bf/observability';

/** The one error shape of the API: `{statusCode, error, message, details?}`. */
export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/**
 * Turns every error into the API's error shape. Client mistakes keep their 4xx
 * (including body-parser's malformed JSON); anything unexpected becomes a 500
 * whose stack goes to the log, never to the client.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly log = rootLogger().child({ component: 'ApiErrorFilter' });

  catch(exception: unknown, host: ArgumentsHost): void | Observable<never> {
    // The orchestrator's queue consumer shares this app: its errors go back to BullMQ unchanged.
    if (host.getType() !== 'http') return throwError(() => exception);
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toApiError(exception);
    // A deliberate 5xx (503 in SAFE_MODE, 502 from a provider) is an answer, not a crash: no stack for it.
    if (body.statusCode >= 500 && !(exception instanceof HttpException)) this.log.error({ err: exception }, 'unhandled error');
    else if (body.statusCode >= 500) this.log.warn({ status: body.statusCode, message: body.message }, 'answered with a server-side error');
    // The schema should have refused it: worth a look, without the SQL or its parameters.
    else if (exception instanceof QueryFailedError) this.log.warn({ code: databaseErrorCode(exception) }, 'the database refused a request value: answered 400');
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const fields = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
      const message = typeof payload === 'string' ? payload : fields.message;
      return {
        statusCode: status,
        error: STATUS_CODES[status] ?? 'Error',
        message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message),
        ...(fields.details !== undefined ? { details: fields.details } : {}),
      };
    }
    const bodyParserError = exception as { type?: string; status?: number; message?: string };
    if (bodyParserError?.type === 'entity.parse.failed') {
      return { statusCode: 400, error: 'Bad Request', message: `malformed JSON body: ${withoutBodyExcerpt(String(bodyParserError.message))}` };
    }
    if (typeof bodyParserError?.status === 'number' && bodyParserError.status >= 400 && bodyParserError.status < 500) {
      return { statusCode: bodyParserError.status, error: STATUS_CODES[bodyParserError.status] ?? 'Error', message: bodyParserError.message ?? 'bad request' };
    }
    const badValue = badValueFromDatabase(exception);
    if (badValue) return { statusCode: 400, error: 'Bad Request', message: badValue };
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, error: 'Internal Server Error', message: 'internal error; see the server log' };
  }
}

/**
 * PostgreSQL data exceptions a request value can cause when a schema let it
 * through (a number out of range, a date PostgreSQL refuses, a value that is not
 * of the column's type, a NUL byte in text): the client's mistake, so 400, with
 * a fixed message. The database's own message is not echoed: it may quote SQL or values.
 */
const BAD_VALUE_CODES = new Map<string, string>([
  ['22003', 'a value in the request is out of range'],
  ['22007', 'a date or time in the request is not valid'],
  ['22008', 'a date or time in the request is out of range'],
  ['22P02', 'a value in the request does not have the expected type'],
  ['22021', 'the request contains a character text cannot hold (such as a NUL byte)'],
]);

function badValueFromDatabase(exception: unknown): string | null {
  if (!(exception instanceof QueryFailedError)) return null;
  const code = databaseErrorCode(exception);
  return (code && BAD_VALUE_CODES.get(code)) ?? null;
}

function databaseErrorCode(exception: QueryFailedError): string | null {
  const code = (exception.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : null;
}

/**
 * V8's JSON.parse message quotes part of the body (`Unexpected token 's', ..."{"password": s"... is not valid JSON`):
 * that may be a secret, so the excerpt is cut and only the position-free reason stays.
 */
export function withoutBodyExcerpt(message: string): string {
  return message.replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, ' (not valid JSON)');
}
