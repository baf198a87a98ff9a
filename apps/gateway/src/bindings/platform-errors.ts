import { AxeApiError, AxeValidationError } from "@privnum/axe-api";
import { NotFoundError, PlatformError, ValidationError } from "../shared/errors.js";

/**
 * Turn what `@privnum/axe-api` throws into the gateway's typed results: validation problems, a missing
 * binding, or a platform failure. Anything else is unexpected and passes through (Yoga masks it).
 */
export function toCommandError(error: unknown): unknown {
  if (error instanceof AxeValidationError) {
    return new ValidationError(error.issues.map((issue) => ({ field: issue.field, message: issue.message })));
  }
  if (error instanceof AxeApiError) {
    if (error.category === "not-found") {
      return new NotFoundError(error.resultdesc ?? "The record does not exist.", {
        resultcode: error.resultcode,
        resultdesc: error.resultdesc,
      });
    }
    return new PlatformError({
      message: error.message,
      resultcode: error.resultcode,
      resultdesc: error.resultdesc,
      httpStatus: error.httpStatus,
      category: error.category,
      retryable: error.retryable,
      cause: error,
    });
  }
  return error;
}
