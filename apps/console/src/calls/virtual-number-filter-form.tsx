import { type FormEvent, useEffect, useId, useState } from "react";
import { useQuery } from "urql";
import { useSession } from "../session/session.js";
import { KnownVirtualNumbersQuery } from "./live-calls-operations.js";
import { parseVirtualNumberFilter } from "./virtual-number-filter.js";

/** The filter by X: type or pick an X (operators get the known ones offered), apply, or clear to see every X. */
export function VirtualNumberFilterForm(props: {
  /** The X filtered by now; undefined: every X. */
  value: string | undefined;
  onChange(virtualNum: string | undefined): void;
}) {
  const { viewer } = useSession();
  const id = useId();
  const [text, setText] = useState(props.value ?? "");
  const [error, setError] = useState<string | undefined>();
  useEffect(() => setText(props.value ?? ""), [props.value]);
  // A viewer's list would hold masked numbers, useless to filter by: it types X instead.
  const [known] = useQuery({ query: KnownVirtualNumbersQuery, pause: viewer.masksNumbers });
  const numbers = known.data?.virtualNumbers.map((number) => number.number) ?? [];

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseVirtualNumberFilter(text);
    if (!parsed.ok) {
      setError(parsed.message);
      return;
    }
    setError(undefined);
    props.onChange(parsed.virtualNum);
  };

  return (
    <form className="x-filter" onSubmit={apply} aria-label="Filter calls">
      <label htmlFor={`${id}-x`}>Filter by X</label>
      <div className="x-filter-row">
        <input
          id={`${id}-x`}
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="All X numbers"
          list={numbers.length > 0 ? `${id}-known` : undefined}
          inputMode="tel"
          autoComplete="off"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        {numbers.length > 0 && (
          <datalist id={`${id}-known`}>
            {numbers.map((number) => (
              <option key={number} value={number} />
            ))}
          </datalist>
        )}
        <button type="submit" className="primary">
          Apply filter
        </button>
        {props.value !== undefined && (
          <button
            type="button"
            onClick={() => {
              setError(undefined);
              props.onChange(undefined);
            }}
          >
            Show every X
          </button>
        )}
      </div>
      {error && (
        <p id={`${id}-error`} className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
