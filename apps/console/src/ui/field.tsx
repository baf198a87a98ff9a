import type { ReactNode } from "react";

/** The attributes that tie an input to its label and its error message (`id` is the input's). */
export function fieldProps(id: string, error: string | undefined) {
  return {
    id,
    name: id,
    "aria-invalid": error !== undefined,
    ...(error !== undefined ? { "aria-describedby": `${id}-error` } : {}),
  } as const;
}

/** A labelled form field: the label, the input (`children`, given {@link fieldProps}), a hint, its error. */
export function Field(props: {
  id: string;
  label: string;
  error?: string | undefined;
  hint?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children}
      {props.hint && !props.error && <p className="hint muted">{props.hint}</p>}
      {props.error && (
        <p id={`${props.id}-error`} className="field-error error">
          {props.error}
        </p>
      )}
    </div>
  );
}
