import { defineProjectConfig } from "@privnum/vitest-config";
import { configDefaults } from "vitest/config";

export default defineProjectConfig({
  // The fixture projects' tests are run by the tests themselves, in temporary trees, never by this suite.
  test: { exclude: [...configDefaults.exclude, "test/fixtures/**"] },
});
