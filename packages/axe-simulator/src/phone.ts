/** E.164 with a leading `+`: country code not starting with 0, 6–15 digits in all (spec §1.2). */
const E164 = /^\+[1-9]\d{5,14}$/;

/** True for a well-formed E.164 number with `+`. */
export function isE164(value: string): boolean {
  return E164.test(value);
}

/**
 * A mainland-China fixed line: `+86` followed by an area code (mobile numbers start with 1). Fixed lines may
 * not call X (stateCode 8023, spec §1.2).
 */
export function isChinaFixedLine(value: string): boolean {
  return value.startsWith("+86") && value.length > 3 && value[3] !== "1";
}
