// What the console tells an operator when a binding command did not go through: the gateway answers with typed
// results (PlatformError, ValidationError …), and each becomes a headline, the details that help decide what to do,
// and, for a ValidationError, the message for each input.
import type { FieldErrors } from "./binding-validation.js";

/** A code and what it means, as the gateway's `CodeDescription` carries it. */
export interface CodeDescriptionValue {
  code: string;
  description?: string | null;
  zh?: string | null;
  known?: boolean;
}

/** The failure results of the binding mutations, as the console selects them. */
export type BindingCommandFailure =
  | {
      __typename: "PlatformError";
      message: string;
      resultcode?: string | null;
      resultdesc?: string | null;
      retryable: boolean;
      category: string;
      /** The code table's entry for `resultcode`, where the gateway sends one. */
      description?: CodeDescriptionValue | null;
    }
  | { __typename: "ValidationError"; message: string; fields: readonly { field: string; message: string }[] }
  | {
      __typename: "VirtualNumberUnavailableError";
      message: string;
      virtualNum: string;
      status: string;
      cause?: CodeDescriptionValue | null;
    }
  | { __typename: "NotFoundError"; message: string; resultcode?: string | null; resultdesc?: string | null };

/** What the console shows for a failure. */
export interface Explanation {
  /** One line: what went wrong. */
  headline: string;
  /** Further lines: the platform's own text, whether a retry helps, what X's status means. */
  details: string[];
  /** Per-input messages (ValidationError), by the field names the forms use. */
  fields: FieldErrors;
}

const CATEGORY_TEXT: Readonly<Record<string, string>> = {
  AUTHENTICATION: "The platform refused the gateway's credentials, clock or address.",
  FLOW_CONTROL: "The platform is limiting requests; try again in about a minute.",
  INVALID_REQUEST: "The platform refused the parameters.",
  NETWORK: "The platform could not be reached.",
  NOT_FOUND: "The platform has no such binding.",
  NO_RESOURCES: "No number or extension is available (X full, E taken, or X frozen).",
  PLATFORM: "The platform failed.",
  TIMEOUT: "The platform did not answer in time; whether the command took effect is unknown.",
};

const STATUS_TEXT: Readonly<Record<string, string>> = {
  BINDING_FROZEN: "binding frozen (existing bindings keep working, no new ones)",
  PAUSED: "paused (binding, calls and SMS stop)",
  UNAVAILABLE: "unavailable (binding, calls and SMS stop)",
  NORMAL: "normal",
};

/** `code — description (zh)`, leaving out what is not known. */
export function describeCode(code: string, description?: string | null, zh?: string | null): string {
  const text = [description, zh ? `(${zh})` : undefined].filter(Boolean).join(" ");
  return text ? `${code} — ${text}` : code;
}

/** The explanation of a failed binding command. */
export function explainBindingFailure(failure: BindingCommandFailure): Explanation {
  switch (failure.__typename) {
    case "PlatformError": {
      const details: string[] = [];
      const entry = failure.description;
      const known = entry && entry.known !== false && entry.description;
      // Without a resultcode the platform never answered (timeout, network): nothing was refused.
      const headline = !failure.resultcode
        ? `The command failed: ${failure.message}`
        : `The platform refused: ${
            known
              ? describeCode(failure.resultcode, entry.description, entry.zh)
              : describeCode(failure.resultcode, failure.resultdesc)
          }`;
      if (failure.resultdesc && known) details.push(`The platform said: “${failure.resultdesc}”`);
      const category = CATEGORY_TEXT[failure.category];
      if (category) details.push(category);
      details.push(
        failure.retryable
          ? "Retrying may help."
          : "Retrying the same command will not help: change it first.",
      );
      return { headline, details, fields: {} };
    }
    case "ValidationError": {
      const fields: FieldErrors = {};
      for (const { field, message } of failure.fields) {
        const key = field.replace(/^(input|changes)\./, "");
        fields[key] = fields[key] ? `${fields[key]}; ${message}` : capitalise(message);
      }
      return { headline: "The gateway refused the input: see the marked fields.", details: [], fields };
    }
    case "VirtualNumberUnavailableError": {
      const status = STATUS_TEXT[failure.status] ?? failure.status.toLowerCase();
      const details = [`X's status, as the platform last reported it: ${status}.`];
      if (failure.cause) {
        details.push(
          `Cause: ${describeCode(failure.cause.code, failure.cause.description, failure.cause.zh)}`,
        );
      }
      details.push("Choose another X, or wait until the platform reports this one normal again.");
      return { headline: `${failure.virtualNum} takes no new bindings.`, details, fields: {} };
    }
    case "NotFoundError": {
      const details = failure.resultcode ? [describeCode(failure.resultcode, failure.resultdesc)] : [];
      details.push(
        "It may have lapsed or been unbound elsewhere; the list shows what the gateway knows now.",
      );
      return { headline: `The platform has no such binding: ${failure.message}`, details, fields: {} };
    }
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
