import { AXE_ERROR_CATEGORIES, type AxeErrorCategory } from "@privnum/axe-api";
import { describeResultCode } from "@privnum/notification-schemas";
import { NotFoundError, PlatformError, ValidationError } from "../shared/errors.js";
import { builder } from "./builder.js";
import { CodeDescriptionObject } from "./code-description.js";

/** Every expected failure of a mutation implements this. */
export const ErrorInterface = builder.interfaceRef<Error>("Error").implement({
  description: "An expected failure, returned as a result rather than raised.",
  fields: (t) => ({ message: t.exposeString("message") }),
});

// Every category `@privnum/axe-api` knows, described: a new one fails to compile until it is described here.
const CATEGORY_DESCRIPTIONS: Record<AxeErrorCategory, string> = {
  authentication: "Credentials, clock or caller IP refused.",
  "invalid-request": "The platform refused the parameters.",
  "not-found": "No such binding or recording.",
  "no-resources": "No number or extension available (X full, E taken, X frozen).",
  "flow-control": "Flow control; retry after about a minute.",
  platform: "The platform failed.",
  timeout: "No answer in time; the outcome is unknown.",
  network: "The platform could not be reached.",
};

const PlatformErrorCategoryEnum = builder.enumType("PlatformErrorCategory", {
  description: "What kind of platform failure this is.",
  // AUTHENTICATION, INVALID_REQUEST, NOT_FOUND … from authentication, invalid-request, not-found …
  values: Object.fromEntries(
    AXE_ERROR_CATEGORIES.map((category) => [
      category.toUpperCase().replaceAll("-", "_"),
      { value: category, description: CATEGORY_DESCRIPTIONS[category] },
    ]),
  ),
});

builder.objectType(PlatformError, {
  name: "PlatformError",
  description: "The platform refused or failed the command.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    resultcode: t.exposeString("resultcode", {
      nullable: true,
      description:
        "The platform's `resultcode` (e.g. `1020167`); null when it did not answer (timeout, network).",
    }),
    resultdesc: t.exposeString("resultdesc", { nullable: true, description: "The platform's `resultdesc`." }),
    description: t.field({
      type: CodeDescriptionObject,
      nullable: true,
      description:
        "What `resultcode` means in the published result-code table (English and Huawei's Chinese text; for a " +
        "code with several meanings, the one of this `httpStatus`); `known: false` for a code not in the table, " +
        "null when there is no `resultcode`.",
      resolve: (error) =>
        error.resultcode === null
          ? null
          : describeResultCode(error.resultcode, error.httpStatus ?? undefined),
    }),
    httpStatus: t.exposeInt("httpStatus", { nullable: true }),
    category: t.field({ type: PlatformErrorCategoryEnum, resolve: (error) => error.category }),
    retryable: t.exposeBoolean("retryable", { description: "Whether repeating the command may succeed." }),
  }),
});

const FieldErrorRef = builder.objectRef<{ field: string; message: string }>("FieldError").implement({
  description: "One invalid input field.",
  fields: (t) => ({
    field: t.exposeString("field", { description: "The input field, named as on the platform." }),
    message: t.exposeString("message"),
  }),
});

builder.objectType(ValidationError, {
  name: "ValidationError",
  description: "The input was refused before reaching the platform.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    fields: t.field({ type: [FieldErrorRef], resolve: (error) => [...error.fields] }),
  }),
});

builder.objectType(NotFoundError, {
  name: "NotFoundError",
  description: "The binding or recording does not exist on the platform.",
  interfaces: [ErrorInterface],
  fields: (t) => ({
    resultcode: t.exposeString("resultcode", { nullable: true }),
    resultdesc: t.exposeString("resultdesc", { nullable: true }),
  }),
});
