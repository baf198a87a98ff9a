const ROLE_ORDER = ["VIEWER", "OPERATOR", "ADMIN"] as const;

/** A role of the gateway, as its schema names it. */
export type Role = (typeof ROLE_ORDER)[number];

/** Whether `role` includes everything `needed` may do (admin ⊇ operator ⊇ viewer). */
export function roleIncludes(role: Role, needed: Role): boolean {
  return ROLE_ORDER.indexOf(role) >= ROLE_ORDER.indexOf(needed);
}
