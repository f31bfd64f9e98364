import { RiskLevel } from '@bf/contracts';
import { BusinessKind, ComplianceSensitivity, Industry, Monetization } from './rule-types';

/**
 * Seed 001 S8.1 risk score: business kind + monetization + compliance +
 * industry weight, plus the online-payments weight when the business takes
 * payments in an online shop. Every factor with a weight above zero adds its
 * sentence to `risk_factors`, so the level can always be explained.
 */
export interface RiskFactor {
  weight: number;
  /** One short sentence; required when weight > 0. */
  reason?: string;
}

export const RISK_BY_BUSINESS_KIND: Record<BusinessKind, RiskFactor> = {
  SERVICE: { weight: 0 },
  PRODUCT: { weight: 5, reason: 'Sells physical goods: stock, shipping and consumer rights such as returns and warranty apply.' },
  PLATFORM: { weight: 10, reason: 'Runs a platform with user accounts: account security, terms of use and user content need care.' },
  HYBRID: { weight: 5, reason: 'Combines services and goods: two sets of processes to set up and support.' },
};

export const RISK_BY_MONETIZATION: Record<Monetization, RiskFactor> = {
  SUBSCRIPTION: {
    weight: 10,
    reason: 'Takes recurring payments: payment mandates, failed payments and easy cancellation must be handled.',
  },
  TRANSACTION: { weight: 5, reason: 'Takes a payment for every sale: receipts, refunds and VAT per sale must be handled.' },
  ONE_TIME: { weight: 0 },
  FREEMIUM: { weight: 10, reason: 'Depends on free users upgrading: revenue is uncertain and paid upgrades need recurring payments.' },
  ADVERTISING: { weight: 10, reason: 'Earns from advertising: tracking needs visitor consent under GDPR and ePrivacy rules.' },
  COMMISSION: { weight: 15, reason: 'Handles payments on behalf of others: paying out sellers may need a licensed payment provider.' },
  HOURLY: { weight: 0 },
  PROJECT_BASED: { weight: 0 },
};

export const RISK_BY_COMPLIANCE: Record<ComplianceSensitivity, RiskFactor> = {
  LOW: { weight: 0 },
  MEDIUM: { weight: 10, reason: 'Keeps personal data of customers: GDPR basics such as a privacy notice and processing agreements apply.' },
  HIGH: { weight: 25, reason: 'Declared highly compliance-sensitive: expect audits, strict data protection and documented processes.' },
  CRITICAL: { weight: 45, reason: 'Declared critically compliance-sensitive: a regulated activity that needs legal review before launch.' },
};

export const RISK_BY_INDUSTRY: Record<Industry, RiskFactor> = {
  HEALTHCARE: {
    weight: 35,
    reason: 'Processes health data, a special category under GDPR Art. 9, and may fall under medical regulation.',
  },
  FINANCE: {
    weight: 35,
    reason: 'Deals with money or financial advice: financial supervision (BaFin, FCA) and anti-money-laundering rules may apply.',
  },
  EDUCATION: { weight: 10, reason: 'Works with learners who may be minors: safeguarding and parental consent may apply.' },
  REAL_ESTATE: { weight: 10, reason: 'Handles large contracts and tenant data: brokerage and tenancy law apply.' },
  MANUFACTURING: { weight: 10, reason: 'Makes physical products: product safety, liability and CE marking may apply.' },
  HOSPITALITY: { weight: 5, reason: 'Serves food or accommodation: hygiene and health-and-safety inspections apply.' },
  TECH: { weight: 5, reason: 'Runs software for customers: uptime, security and data processing agreements matter.' },
  RETAIL: { weight: 0 },
  CONSULTING: { weight: 0 },
  OTHER: { weight: 0 },
};

export const RISK_OF_ONLINE_PAYMENTS: RiskFactor = {
  weight: 10,
  reason: 'Takes card payments in an online shop: needs a payment provider, strong customer authentication (PSD2) and a refund process.',
};

/** Highest first: the first level whose minimum the score reaches. */
export const RISK_LEVELS_BY_SCORE: readonly { level: RiskLevel; minScore: number }[] = [
  { level: 'critical', minScore: 70 },
  { level: 'high', minScore: 45 },
  { level: 'medium', minScore: 20 },
  { level: 'low', minScore: 0 },
];

/** Seed 001 estimated_complexity_score (1–100): more modules, custom models and risk mean more to set up. */
export const COMPLEXITY_WEIGHTS = { base: 10, perModule: 5, perCustomModel: 8, perRiskPoint: 0.25 };
