import { RiskLevel } from '@bf/contracts';
import {
  RISK_BY_BUSINESS_KIND,
  RISK_BY_COMPLIANCE,
  RISK_BY_INDUSTRY,
  RISK_BY_MONETIZATION,
  RISK_LEVELS_BY_SCORE,
  RISK_OF_ONLINE_PAYMENTS,
  RiskFactor,
} from './rules/risk.rules';
import { BusinessKind, ComplianceSensitivity, Industry, Monetization, Reason } from './rules/rule-types';

export interface RiskAssessment {
  level: RiskLevel;
  score: number;
  /** One sentence per factor that added to the score. */
  factors: string[];
  reason: Reason;
}

/** Seed 001 _assess_risk_level: a sum of weights (rules/risk.rules.ts), mapped to a level. */
export class RiskAssessor {
  assess(kind: BusinessKind, monetization: Monetization, compliance: ComplianceSensitivity, industry: Industry, sellsOnline: boolean): RiskAssessment {
    const parts: [string, RiskFactor][] = [
      [`business_type ${kind}`, RISK_BY_BUSINESS_KIND[kind]],
      [`monetization ${monetization}`, RISK_BY_MONETIZATION[monetization]],
      [`compliance ${compliance}`, RISK_BY_COMPLIANCE[compliance]],
      [`industry ${industry}`, RISK_BY_INDUSTRY[industry]],
    ];
    if (sellsOnline) parts.push(['online payments', RISK_OF_ONLINE_PAYMENTS]);
    const contributing = parts.filter(([, factor]) => factor.weight > 0);
    const score = contributing.reduce((sum, [, factor]) => sum + factor.weight, 0);
    const level = RISK_LEVELS_BY_SCORE.find((l) => score >= l.minScore)!.level;
    return {
      level,
      score,
      factors: contributing.map(([label, factor]) => factor.reason ?? `${label} adds ${factor.weight} to the risk score.`),
      reason: {
        value: level,
        rule: `risk_level: score ${score} = ${parts.map(([label, factor]) => `${label} ${factor.weight}`).join(' + ')}`,
        matched: [],
      },
    };
  }
}
