import { describe, expect, it } from "vitest";
import { hasRole, highestRole, isRole, ROLES } from "../src/auth/roles.js";

describe("roles", () => {
  it("lists viewer, operator and admin, weakest first, and cannot be changed", () => {
    expect(ROLES).toEqual(["viewer", "operator", "admin"]);
    expect(Object.isFrozen(ROLES)).toBe(true);
  });

  it("isRole accepts the three names only", () => {
    for (const role of ROLES) expect(isRole(role)).toBe(true);
    for (const value of ["Admin", "root", "", " viewer", undefined, null, 1, ["admin"], { role: "admin" }]) {
      expect(isRole(value)).toBe(false);
    }
  });

  it("hasRole: admin includes operator, which includes viewer", () => {
    const granted = ROLES.flatMap((role) =>
      ROLES.filter((needed) => hasRole(role, needed)).map((needed) => `${role}⊇${needed}`),
    );
    expect(granted).toEqual([
      "viewer⊇viewer",
      "operator⊇viewer",
      "operator⊇operator",
      "admin⊇viewer",
      "admin⊇operator",
      "admin⊇admin",
    ]);
  });

  it("highestRole picks the strongest, whatever the order; none of none", () => {
    expect(highestRole(["viewer", "admin", "operator"])).toBe("admin");
    expect(highestRole(["operator", "viewer"])).toBe("operator");
    expect(highestRole(["viewer"])).toBe("viewer");
    expect(highestRole([])).toBeUndefined();
  });
});
