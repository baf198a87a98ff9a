/**
 * A mainland fixed line: `+86` followed by an area code without its leading 0 — `10` (Beijing) or one starting
 * with 2–9. Mainland mobile numbers start with 13–19, so `+8610…` is a fixed line although it starts with 1.
 */
const CHINA_FIXED_LINE = /^\+86(?:10|[2-9])/;

/**
 * True for a mainland-China fixed line. Fixed lines may not call X (stateCode 8023,
 * docs/axe-platform.md §1.2).
 */
export function isChinaFixedLine(value: string): boolean {
  return CHINA_FIXED_LINE.test(value);
}
