/** The roles a caller can hold, weakest first: each one includes every role before it. */
export const ROLES = Object.freeze(["viewer", "operator", "admin"] as const);

/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** Whether `value` is the name of a role. */
export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** Whether a caller holding `role` may do what `needed` allows: admin ⊇ operator ⊇ viewer. */
export function hasRole(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

/** The strongest of `roles`; undefined when there is none. */
export function highestRole(roles: readonly Role[]): Role | undefined {
  let highest: Role | undefined;
  for (const role of roles) {
    if (highest === undefined || ROLES.indexOf(role) > ROLES.indexOf(highest)) highest = role;
  }
  return highest;
}
