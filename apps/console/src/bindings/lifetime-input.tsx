import type { InputHTMLAttributes } from "react";

/** The unit of a binding's lifetime, as the schema names it. */
export type LifetimeUnit = "HOURS" | "MINUTES";

/** A lifetime: a number and its unit (hours or minutes), as the create and modify forms ask for it. */
export function LifetimeInput(props: {
  /** The number's input: value, change handler, id and ARIA wiring from the form. */
  input: InputHTMLAttributes<HTMLInputElement>;
  unit: LifetimeUnit;
  onUnitChange(unit: LifetimeUnit): void;
}) {
  return (
    <span className="with-unit">
      <input {...props.input} inputMode="numeric" autoComplete="off" />
      <select
        aria-label="Lifetime unit"
        value={props.unit}
        onChange={(event) => props.onUnitChange(event.target.value as LifetimeUnit)}
      >
        <option value="HOURS">hours</option>
        <option value="MINUTES">minutes</option>
      </select>
    </span>
  );
}
