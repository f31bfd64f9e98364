import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

type Middleware = (req: Request, res: Response, next: NextFunction) => void;

/**
 * The API answers JSON (and evidence downloads): nothing in a response may run
 * or be framed. HSTS without includeSubDomains: the gateway's host says nothing
 * about its siblings.
 */
export function apiSecurityHeaders(): Middleware {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] } },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  }) as Middleware;
}

/**
 * Bull Board's UI: its own scripts and styles, inline style attributes (React),
 * the Google font its page links, and its own API. No upgrade-insecure-requests:
 * the board is often reached over plain HTTP inside a cluster.
 */
export function bullBoardSecurityHeaders(): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com'],
        fontSrc: ["'self'", 'data:', 'https://fonts.gstatic.com'],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  }) as Middleware;
}

/**
 * Headers for the generated websites the built-in host serves. The templates
 * (templates/websites) load only their own styles.css and script.js, no inline
 * script or style; the contact form posts (fetch or plain form) to the same
 * origin's /api/…; a briefing's logo_url may stay a remote image. No HSTS and no
 * upgrade-insecure-requests: whether a customer's domain (and its subdomains)
 * is HTTPS-only is not the gateway's decision, and the host often serves plain HTTP.
 */
export function siteSecurityHeaders(): Middleware {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:', 'http:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'self'"],
      },
    },
    strictTransportSecurity: false,
    crossOriginResourcePolicy: { policy: 'same-site' },
    xFrameOptions: { action: 'sameorigin' },
  }) as Middleware;
}

/**
 * CORS stays closed unless CORS_ORIGINS lists origins: only those get
 * Access-Control-Allow-Origin (exact match, no wildcard), never credentials
 * (the API authenticates with Bearer keys, not cookies).
 */
export function useCors(app: INestApplication, allowedOrigins: string[]): void {
  if (allowedOrigins.length === 0) return;
  const allowed = new Set(allowedOrigins.map((origin) => origin.replace(/\/+$/, '')));
  app.enableCors({
    origin: (origin: string | undefined, callback: (error: Error | null, allow?: boolean) => void) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'x-correlation-id'],
    exposedHeaders: ['retry-after', 'location', 'x-correlation-id'],
    credentials: false,
    maxAge: 600,
  });
}

/** The API's headers everywhere, Bull Board's relaxed ones under its path. */
export function gatewaySecurityHeaders(boardPath: string): Middleware {
  const api = apiSecurityHeaders();
  const board = bullBoardSecurityHeaders();
  return (req, res, next) => (req.path === boardPath || req.path.startsWith(`${boardPath}/`) ? board : api)(req, res, next);
}
