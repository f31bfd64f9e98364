import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response, Router } from 'express';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { ALL_QUEUES, Principal, roleAllows } from '@bf/contracts';
import { rootLogger } from '@bf/observability';
import { JobProducer } from '@bf/queue';
import { ApiKeys } from '@bf/tenancy';
import { bearerToken } from './http/auth.guard';
import { chargeAuthenticatedKey, tooManyRequests } from './http/rate-limit';

export const BULL_BOARD_PATH = '/admin/queues';
const REALM = 'Basic realm="Bull Board", charset="UTF-8"';

/**
 * Mounts Bull Board for every queue in the catalogue (the seven workers' and
 * step-status). It needs an API key: `Authorization: Bearer <key>`, or, since
 * a browser cannot send a bearer token from the address bar, HTTP Basic with
 * the key as the password (any user name). Queues are platform-wide, like the
 * workers that drain them, and job payloads belong to every tenant: so only keys
 * of the platform tenant (PLATFORM_TENANT_ID) get a board, read-only for its
 * viewers, operators and approvers, with retry, clean, pause and the other
 * actions for its admins. Any other tenant's key gets 403.
 */
export function mountBullBoard(app: INestApplication, producer: JobProducer): void {
  const keys = app.get(ApiKeys);
  const platformTenantId = app.get<AppConfig>(APP_CONFIG).tenancy.platformTenantId;
  const readOnly = boardRouter(producer, true);
  const full = boardRouter(producer, false);
  const log = rootLogger().child({ component: 'BullBoard' });
  app.use(BULL_BOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
    authenticate(keys, req).then(
      async (outcome) => {
        if (!outcome.ok) {
          res.setHeader('WWW-Authenticate', REALM);
          return res.status(401).json({ statusCode: 401, error: 'Unauthorized', message: outcome.message });
        }
        // The key's own rate budget, charged once the token is known to be the key (as the API's auth guard does).
        const refusal = await chargeAuthenticatedKey(req, outcome.principal.keyPrefix);
        if (refusal) return tooManyRequests(res, refusal);
        if (outcome.principal.tenantId !== platformTenantId) {
          log.info({ prefix: outcome.principal.keyPrefix, method: req.method }, 'Bull Board refused: not a key of the platform tenant');
          return res.status(403).json({ statusCode: 403, error: 'Forbidden', message: 'Bull Board shows every tenant\'s jobs: it is for keys of the platform tenant only' });
        }
        if (roleAllows(outcome.principal.role, 'admin')) return full(req, res, next);
        // Belt and braces: the read-only board refuses actions itself, and no change reaches it at all.
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          log.info({ prefix: outcome.principal.keyPrefix, method: req.method }, 'Bull Board action refused: not an admin key');
          return res.status(403).json({ statusCode: 403, error: 'Forbidden', message: 'Bull Board actions need an admin key; this key has a read-only board' });
        }
        return readOnly(req, res, next);
      },
    ).catch((error: unknown) => next(error));
  });
}

function boardRouter(producer: JobProducer, readOnlyMode: boolean): Router {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: ALL_QUEUES.map((name) => new BullMQAdapter(producer.queue(name), { readOnlyMode, allowRetries: !readOnlyMode })),
    serverAdapter,
    options: { uiConfig: { boardTitle: readOnlyMode ? 'Queues (read-only)' : 'Queues' } },
  });
  return serverAdapter.getRouter() as Router;
}

type BoardAuth = { ok: true; principal: Principal } | { ok: false; message: string };

async function authenticate(keys: ApiKeys, req: Request): Promise<BoardAuth> {
  const header = req.headers.authorization;
  const token = bearerToken(header) ?? basicPassword(header);
  if (!token) return { ok: false, message: 'Bull Board needs an API key: Authorization: Bearer <key>, or Basic with the key as the password' };
  const outcome = await keys.authenticate(token);
  return outcome.ok ? outcome : { ok: false, message: outcome.reason === 'expired' ? 'this API key has expired' : outcome.reason === 'revoked' ? 'this API key has been revoked' : 'invalid API key' };
}

/** The password of `Authorization: Basic base64(user:password)`, or null. */
export function basicPassword(header: string | undefined): string | null {
  const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decoded.slice(colon + 1) : null;
}
