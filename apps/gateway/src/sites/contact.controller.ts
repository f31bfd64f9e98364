import { Body, Controller, Get, HttpException, HttpStatus, NotFoundException, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ContactSubmissionListQuerySchema, ContactSubmissionSchema, SiteIdSchema } from '@bf/contracts';
import { validated } from '../http/validate';
import { requestTenant } from '../http/tenant';
import { ContactRateLimiter } from './contact-rate-limiter';
import { ContactSubmissionsService, ContactSubmissionView } from './contact-submissions.service';
import { DeployedSites } from './deployed-sites';

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

  @Post(':siteId/contact')
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
    if (!(await this.sites.isDeployed(requestTenant(), siteId))) throw new NotFoundException(`no deployed site ${siteId}`);
    const fields = request.is('application/x-www-form-urlencoded') ? await readFormBody(request) : body;
    const submission = validated(ContactSubmissionSchema, fields, 'contact form');
    response.status(201);
    return this.submissions.store(requestTenant(), siteId, submission, clientAddress);
  }

  @Get(':siteId/contact-submissions')
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
async function readFormBody(request: Request): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > FORM_BODY_LIMIT) throw new HttpException({ message: `form body is larger than ${FORM_BODY_LIMIT} bytes` }, HttpStatus.PAYLOAD_TOO_LARGE);
    chunks.push(chunk as Buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}
