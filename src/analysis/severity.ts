import { TrustFindingSeverity } from './trust-finding';

/**
 * The severities from the most to the least severe.
 */
export const SEVERITY_ORDER = [
  TrustFindingSeverity.CRITICAL, TrustFindingSeverity.HIGH, TrustFindingSeverity.MEDIUM, TrustFindingSeverity.LOW, TrustFindingSeverity.INFO,
];

/**
 * Whether a severity is at least as severe as a threshold.
 */
export function atLeast(severity: TrustFindingSeverity, threshold: TrustFindingSeverity): boolean {
  return SEVERITY_ORDER.indexOf(severity) <= SEVERITY_ORDER.indexOf(threshold);
}
