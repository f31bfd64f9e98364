import { Body, Controller, Get, HttpException, HttpStatus, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ContactSubmissionListQuerySchema, ContactSubmissionSchema, SiteIdSchema } from '@bf/contracts';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { ContactRateLimiter } from './contact-rate-limiter';
import { ContactSubmissionsService, ContactSubmissionView } from './contact-submissions.service';
import { DeployedSites } from './deployed-sites';
import { Public, RequireRole } from '../http/auth.decorators';

const FORM_BODY_LIMIT = 64 * 1024;

/**
 * The endpoint every generated site's contact form posts to (JSON from the
 * site's script, or a plain form post without JavaScript), and the listing of
 * what arrived. site_id is the site's domain.
 */
@Controller('api/v1/sites')
export class ContactController {
  constructor(
    private readonly submissions: ContactSubmissionsService,
    private readonly limiter: ContactRateLimiter,
    private readonly sites: DeployedSites,
  ) {}

  /** Public: a visitor's browser posts here with no key; the site's own tenant is found from its domain. */
  @Post(':siteId/contact')
  @Public()
  async submit(@Param('siteId') rawSiteId: string, @Body() body: unknown, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<ContactSubmissionView> {
    const clientAddress = request.ip ?? request.socket.remoteAddress ?? 'unknown';
    // Limited before anything else, so invalid posts count too and cannot be used to probe for free.
    const decision = await this.limiter.take(clientAddress);
    if (!decision.allowed) {
      response.setHeader('retry-after', String(decision.retryAfterSeconds));
      throw new HttpException({ message: `too many contact form posts from this address; retry in ${decision.retryAfterSeconds} s` }, HttpStatus.TOO_MANY_REQUESTS);
    }
    const siteId = validated(SiteIdSchema, rawSiteId, 'site_id');
    // Only forms of sites we serve may post: nobody can fill the CRM with leads for a made-up site.
    // No key here: the submission belongs to the tenant whose live site it is.
    const tenantId = await this.sites.tenantOf(siteId);
    if (!tenantId) throw new NotFoundException(`no deployed site ${siteId}`);
    const fields = request.is('application/x-www-form-urlencoded') ? await readFormBody(request, response) : body;
    const submission = validated(ContactSubmissionSchema, fields, 'contact form');
    response.status(201);
    return this.submissions.store(tenantId, siteId, submission, clientAddress);
  }

  @Get(':siteId/contact-submissions')
  @RequireRole('viewer')
  async list(@Param('siteId') rawSiteId: string, @Query() query: unknown) {
    const siteId = validated(SiteIdSchema, rawSiteId, 'site_id');
    const { limit, offset } = validated(ContactSubmissionListQuerySchema, query, 'query');
    const page = await this.submissions.list(requestTenant(), siteId, limit, offset);
    return { site_id: siteId, total: page.total, limit, offset, submissions: page.submissions };
  }
}

/**
 * The gateway parses JSON bodies only; a form post without JavaScript arrives
 * url-encoded and unread, so it is read here, bounded.
 */
function readFormBody(request: Request, response: Response): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= FORM_BODY_LIMIT) return void chunks.push(chunk);
      // Too large: stop keeping it, but let the rest drain rather than destroy the request (breaking out of a
      // for-await destroyed the socket, so the 413 never arrived and a keep-alive client's next request was reset).
      // The connection closes after the answer, so the client cannot keep streaming into it.
      request.off('data', onData).off('end', onEnd).off('error', reject);
      request.resume();
      response.setHeader('connection', 'close');
      reject(new HttpException({ message: `form body is larger than ${FORM_BODY_LIMIT} bytes` }, HttpStatus.PAYLOAD_TOO_LARGE));
    };
    const onEnd = () => resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('data', onData).on('end', onEnd).on('error', reject);
  });
}
