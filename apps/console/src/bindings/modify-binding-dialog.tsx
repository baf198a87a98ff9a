import { type FormEvent, useState } from "react";
import { useMutation } from "urql";
import { Field, fieldProps } from "../ui/field.js";
import { ModalDialog } from "../ui/modal-dialog.js";
import { commandOutcome } from "./binding-command-outcome.js";
import type { Explanation } from "./binding-error-explanation.js";
import { BindingFailureAlert } from "./binding-failure-alert.js";
import { type BindingRow, UpdateBindingMutation } from "./binding-operations.js";
import {
  checkModifyForm,
  type FieldErrors,
  type ModifyBindingForm,
  modifyFormOf,
} from "./binding-validation.js";
import { LifetimeInput } from "./lifetime-input.js";

// The inputs a server-side field error can be shown next to; any other field is told in the dialog's alert.
const FORM_FIELDS = new Set([
  "recordFlag",
  "bindExpiredTime",
  "timeUnit",
  "userData",
  "callbackNum",
  "callbackTone",
]);

/** The modify form for one binding (updateBinding): only what the operator changed is sent. */
export function ModifyBindingDialog(props: {
  binding: BindingRow;
  onDone(binding: BindingRow): void;
  onClose(): void;
}) {
  const { binding } = props;
  const [form, setForm] = useState<ModifyBindingForm>(() => modifyFormOf(binding));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<Explanation>();
  const [{ fetching }, updateBinding] = useMutation(UpdateBindingMutation);

  function set<K extends keyof ModifyBindingForm>(key: K, value: ModifyBindingForm[K]) {
    setForm((current) => ({ ...current, [key]: value }));
    setErrors(({ [key]: _dropped, form: _form, ...rest }) => rest);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFailure(undefined);
    const checked = checkModifyForm(binding, form);
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    const answer = await updateBinding({ input: checked.input });
    const outcome = commandOutcome({ data: answer.data?.updateBinding, error: answer.error }, (result) =>
      result.__typename === "UpdateBindingPayload" ? result.binding : undefined,
    );
    if (outcome.ok) {
      props.onDone(outcome.value);
      return;
    }
    const fields = outcome.explanation.fields;
    setErrors(Object.fromEntries(Object.entries(fields).filter(([field]) => FORM_FIELDS.has(field))));
    const elsewhere = Object.entries(fields).filter(([field]) => !FORM_FIELDS.has(field));
    setFailure({
      ...outcome.explanation,
      details: [
        ...outcome.explanation.details,
        ...elsewhere.map(([field, message]) => `${field}: ${message}`),
      ],
    });
  }

  const text = (key: Exclude<keyof ModifyBindingForm, "recordFlag" | "timeUnit">) => ({
    ...fieldProps(`modify-${key}`, errors[key]),
    value: form[key],
    onChange: (event: { target: { value: string } }) => set(key, event.target.value),
  });

  return (
    <ModalDialog title={`Modify ${binding.virtualNum} · E ${binding.extendNum}`} onClose={props.onClose}>
      <form className="binding-form" aria-label="Modify binding" onSubmit={submit} noValidate>
        <p className="muted">
          Forwards to <span className="mono">{binding.bindNum}</span>. Only the fields you change are sent.
        </p>
        <div className="field checkbox-field">
          <input
            id="modify-recordFlag"
            type="checkbox"
            checked={form.recordFlag}
            onChange={(event) => set("recordFlag", event.target.checked)}
          />
          <label htmlFor="modify-recordFlag">Record calls</label>
        </div>
        <Field
          id="modify-bindExpiredTime"
          label="New lifetime, counted from now"
          error={errors.bindExpiredTime ?? errors.timeUnit}
          hint="Empty: the expiry stays as it is; 0: never expires"
        >
          <LifetimeInput
            input={text("bindExpiredTime")}
            unit={form.timeUnit}
            onUnitChange={(unit) => set("timeUnit", unit)}
          />
        </Field>
        <Field id="modify-userData" label="User data" error={errors.userData}>
          <input {...text("userData")} autoComplete="off" />
        </Field>
        <Field
          id="modify-callbackNum"
          label="Callback number"
          error={errors.callbackNum}
          hint="Empty clears it"
        >
          <input {...text("callbackNum")} inputMode="tel" autoComplete="off" spellCheck={false} />
        </Field>
        <Field
          id="modify-callbackTone"
          label="Callback tone"
          error={errors.callbackTone}
          hint="Empty clears it"
        >
          <input {...text("callbackTone")} autoComplete="off" />
        </Field>
        {errors.form && (
          <p role="alert" className="error">
            {errors.form}
          </p>
        )}
        {failure && <BindingFailureAlert explanation={failure} />}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={fetching}>
            {fetching ? "Saving…" : "Save changes"}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
