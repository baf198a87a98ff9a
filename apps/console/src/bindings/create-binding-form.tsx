import { type FormEvent, useState } from "react";
import { useMutation } from "urql";
import { Field, fieldProps } from "../ui/field.js";
import { type CommandOutcome, commandOutcome } from "./binding-command-outcome.js";
import type { Explanation } from "./binding-error-explanation.js";
import { BindingFailureAlert } from "./binding-failure-alert.js";
import { type BindingRow, CreateBindingMutation } from "./binding-operations.js";
import {
  checkCreateForm,
  EMPTY_CREATE_FORM,
  type FieldErrors,
  type CreateBindingForm as Form,
} from "./binding-validation.js";
import { LifetimeInput } from "./lifetime-input.js";

/** An X number to offer, with its status when the platform reported one that takes no new bindings. */
export interface VirtualNumberOption {
  number: string;
  status?: string | null;
}

// The inputs a server-side field error can be shown next to; any other field is told in the form's alert.
const FORM_FIELDS = new Set<string>(Object.keys(EMPTY_CREATE_FORM));
const MORE_OPTION_FIELDS = new Set([
  "areaMatchMode",
  "displayNumMode",
  "recordHintTone",
  "callbackTone",
  "callbackExpiredTime",
]);

/** The create form: A, X, E and the common options, the rest of CreateBindingInput behind "More options". */
export function CreateBindingForm(props: {
  virtualNumbers: readonly VirtualNumberOption[];
  onCreated(binding: BindingRow): void;
  onCancel(): void;
}) {
  const [form, setForm] = useState<Form>(EMPTY_CREATE_FORM);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<Explanation>();
  const [moreOptions, setMoreOptions] = useState(false);
  const [{ fetching }, createBinding] = useMutation(CreateBindingMutation);

  function set<K extends keyof Form>(key: K, value: Form[K]) {
    setForm((current) => ({ ...current, [key]: value }));
    setErrors(({ [key]: _dropped, ...rest }) => rest);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(undefined);
    const checked = checkCreateForm(form);
    if (!checked.ok) {
      setErrors(checked.errors);
      if (Object.keys(checked.errors).some((field) => MORE_OPTION_FIELDS.has(field))) setMoreOptions(true);
      return;
    }
    setErrors({});
    const answer = await createBinding({ input: checked.input });
    const outcome: CommandOutcome<BindingRow> = commandOutcome(
      { data: answer.data?.createBinding, error: answer.error },
      (result) => (result.__typename === "CreateBindingPayload" ? result.binding : undefined),
    );
    if (outcome.ok) {
      setForm(EMPTY_CREATE_FORM);
      props.onCreated(outcome.value);
      return;
    }
    const fields = outcome.explanation.fields;
    setErrors(Object.fromEntries(Object.entries(fields).filter(([field]) => FORM_FIELDS.has(field))));
    if (Object.keys(fields).some((field) => MORE_OPTION_FIELDS.has(field))) setMoreOptions(true);
    const elsewhere = Object.entries(fields).filter(([field]) => !FORM_FIELDS.has(field));
    setFailure({
      ...outcome.explanation,
      details: [
        ...outcome.explanation.details,
        ...elsewhere.map(([field, message]) => `${field}: ${message}`),
      ],
    });
  }

  const text = (key: keyof Form) => ({
    ...fieldProps(`create-${key}`, errors[key]),
    value: String(form[key]),
    onChange: (event: { target: { value: string } }) => set(key, event.target.value as never),
  });
  const pickByArea = form.virtualNum === "";

  return (
    <form className="panel binding-form" aria-label="New binding" onSubmit={submit} noValidate>
      <h2>New binding</h2>
      <div className="form-grid">
        <Field
          id="create-bindNum"
          label="A — number to protect"
          error={errors.bindNum}
          hint="E.164, e.g. +8613800000021"
        >
          <input {...text("bindNum")} inputMode="tel" autoComplete="off" spellCheck={false} required />
        </Field>
        <Field id="create-virtualNum" label="X — privacy number" error={errors.virtualNum}>
          <select {...text("virtualNum")}>
            <option value="">Platform picks (by area code)</option>
            {props.virtualNumbers.map((n) => (
              <option key={n.number} value={n.number}>
                {n.status && n.status !== "NORMAL"
                  ? `${n.number} (${n.status.toLowerCase().replace("_", " ")})`
                  : n.number}
              </option>
            ))}
          </select>
        </Field>
        {pickByArea ? (
          <Field
            id="create-areaCode"
            label="Area code"
            error={errors.areaCode}
            hint="The platform picks an X of this city, e.g. 0755"
          >
            <input {...text("areaCode")} inputMode="numeric" autoComplete="off" />
          </Field>
        ) : (
          <Field
            id="create-extendNum"
            label="E — extension (optional)"
            error={errors.extendNum}
            hint="Empty: the lowest free one"
          >
            <input {...text("extendNum")} inputMode="numeric" autoComplete="off" />
          </Field>
        )}
        <Field
          id="create-bindExpiredTime"
          label="Lifetime (optional)"
          error={errors.bindExpiredTime}
          hint="Empty or 0: never expires"
        >
          <LifetimeInput
            input={text("bindExpiredTime")}
            unit={form.timeUnit}
            onUnitChange={(unit) => set("timeUnit", unit)}
          />
        </Field>
        <Field
          id="create-userData"
          label="User data (optional)"
          error={errors.userData}
          hint="Up to 256 characters, returned with every call event"
        >
          <input {...text("userData")} autoComplete="off" />
        </Field>
        <Field
          id="create-callbackNum"
          label="Callback number (optional)"
          error={errors.callbackNum}
          hint="Where A's callbacks go without a callback record"
        >
          <input {...text("callbackNum")} inputMode="tel" autoComplete="off" spellCheck={false} />
        </Field>
        <div className="field checkbox-field">
          <input
            id="create-recordFlag"
            type="checkbox"
            checked={form.recordFlag}
            onChange={(event) => set("recordFlag", event.target.checked)}
          />
          <label htmlFor="create-recordFlag">Record calls</label>
        </div>
      </div>
      <details open={moreOptions} onToggle={(event) => setMoreOptions(event.currentTarget.open)}>
        <summary>More options</summary>
        <div className="form-grid">
          {pickByArea && (
            <Field id="create-areaMatchMode" label="Area match" error={errors.areaMatchMode}>
              <select {...text("areaMatchMode")}>
                <option value="">Default (strict)</option>
                <option value="0">Strict: this city only</option>
                <option value="1">Relaxed: then the province, then any X</option>
              </select>
            </Field>
          )}
          <Field id="create-displayNumMode" label="Number shown to A" error={errors.displayNumMode}>
            <select {...text("displayNumMode")}>
              <option value="">Default (X)</option>
              <option value="0">X (the only mode carriers allow)</option>
              <option value="1">The real caller</option>
            </select>
          </Field>
          <Field id="create-recordHintTone" label="Recording hint tone" error={errors.recordHintTone}>
            <input {...text("recordHintTone")} autoComplete="off" />
          </Field>
          <Field
            id="create-callbackTone"
            label="Callback tone"
            error={errors.callbackTone}
            hint="Instead of a callback number"
          >
            <input {...text("callbackTone")} autoComplete="off" />
          </Field>
          <Field
            id="create-callbackExpiredTime"
            label="Callback lifetime"
            error={errors.callbackExpiredTime}
            hint="In the lifetime's unit"
          >
            <input {...text("callbackExpiredTime")} inputMode="numeric" autoComplete="off" />
          </Field>
        </div>
      </details>
      {failure && <BindingFailureAlert explanation={failure} />}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={fetching}>
          {fetching ? "Creating…" : "Create binding"}
        </button>
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
