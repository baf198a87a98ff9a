import type { Explanation } from "./binding-error-explanation.js";

/** A failed command, explained: the headline, then what helps decide what to do next. */
export function BindingFailureAlert(props: { explanation: Explanation; extra?: readonly string[] }) {
  const details = [...props.explanation.details, ...(props.extra ?? [])];
  return (
    <div role="alert" className="failure">
      <p className="failure-headline">{props.explanation.headline}</p>
      {details.length > 0 && (
        <ul>
          {details.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
