import { Body, ConflictException, Controller, ForbiddenException, HttpCode, Inject, NotFoundException, Post, Req, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@bf/config';
import { ApiKeys, TenantExistsError } from '@bf/tenancy';
import { Public } from '../http/auth.decorators';
import { bearerToken } from '../http/auth.guard';
import { chargeAuthenticatedKeyOrThrow } from '../http/rate-limit';
import { validated } from '../http/validate';
import { Onboarding, OnboardingConflictError, OnboardingOutcome } from './onboarding';
import { defaultsAsEnv, OnboardingRequestSchema } from './onboarding.schema';

/**
 * `POST /api/onboarding/setup` (seed 003, adapted): what `npm run factory -- init`
 * does, over HTTP. Open without a key only while the platform tenant never had
 * an admin key (the very first run: nobody could have a key yet); after that, for good
 * (expired or revoked keys included),
 * only a platform admin may call it, and it onboards a further organization as a
 * new tenant. The admin key is in this one answer and never again. Strictly
 * rate-limited by the gateway's limiter (sensitive route).
 *
 * ONBOARDING_HTTP closes the keyless window: until someone runs the first setup,
 * whoever reaches the gateway first becomes the platform admin. `platform-admin`
 * leaves only the second half (the first tenant comes from `factory init`);
 * `off` answers 404 to everyone, as if the route did not exist.
 */
@Controller('api/onboarding')
export class OnboardingController {
  private readonly onboarding: Onboarding;

  constructor(
    dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeys,
  ) {
    this.onboarding = new Onboarding(dataSource, config);
  }

  @Post('setup')
  @Public()
  @HttpCode(201)
  async setup(@Req() request: Request, @Body() body: unknown) {
    const mode = this.config.tenancy.onboardingHttp;
    if (mode === 'off') throw new NotFoundException('onboarding over HTTP is switched off (ONBOARDING_HTTP=off): use npm run factory -- init');
    const token = bearerToken(request.headers.authorization);
    // Before the body is read: a keyless caller learns nothing more than that a key is needed.
    if (!token && mode === 'platform-admin') {
      throw new UnauthorizedException('onboarding over HTTP needs a platform admin key (Authorization: Bearer <key>; ONBOARDING_HTTP=platform-admin): set up the first tenant with npm run factory -- init');
    }
    const input = validated(OnboardingRequestSchema, body, 'onboarding setup');
    try {
      if (token) return this.answer(await this.asPlatformAdmin(request, token, input), input.defaults);
      const outcome = await this.onboarding.setUpPlatform(input, { firstRunOnly: true, via: 'api (first run)' });
      // Lost a race with another first-run setup, or it was done long ago (even if every admin key has since expired or been revoked): nothing is shown.
      if (!outcome.admin_key) throw new UnauthorizedException('onboarding is already complete: onboarding another organization needs a platform admin key (Authorization: Bearer <key>)');
      return this.answer(outcome, input.defaults);
    } catch (error) {
      if (error instanceof OnboardingConflictError || error instanceof TenantExistsError) throw new ConflictException(error.message);
      throw error;
    }
  }

  private async asPlatformAdmin(request: Request, token: string, input: ReturnType<typeof OnboardingRequestSchema.parse>): Promise<OnboardingOutcome> {
    const outcome = await this.keys.authenticate(token);
    if (!outcome.ok) throw new UnauthorizedException(outcome.reason === 'revoked' ? 'this API key has been revoked' : outcome.reason === 'expired' ? 'this API key has expired' : 'invalid API key');
    const { principal } = outcome;
    // A public route: the auth guard did not charge the key's rate budget, so it is charged here.
    await chargeAuthenticatedKeyOrThrow(request, request.res!, principal.keyPrefix);
    if (principal.role !== 'admin' || principal.tenantId !== this.config.tenancy.platformTenantId) {
      throw new ForbiddenException('onboarding another organization is for admins of the platform tenant');
    }
    return this.onboarding.createTenant(input, principal.keyId);
  }

  private answer(outcome: OnboardingOutcome, defaults: ReturnType<typeof OnboardingRequestSchema.parse>['defaults']) {
    return {
      status: outcome.status,
      tenant: outcome.tenant,
      admin_key: outcome.admin_key,
      notice: 'the admin key is shown only in this answer: store it now',
      /** The settings `defaults` stand for; the command line writes them to .env, here they are for the operator to apply. */
      configuration: defaultsAsEnv(defaults),
    };
  }
}
