import { type FormEvent, useEffect, useState } from "react";
import { BINDING_STATES, type BindingStateValue, type BindingsListState } from "./bindings-url-state.js";

const ALL_STATES = "ALL";

/**
 * The list's filters. Selects apply at once; the text inputs on Enter or when they lose focus. `filterByA`
 * false leaves the A filter out (a viewer may not search by A). `virtualNumbers` undefined: X is typed, not
 * chosen (a viewer's list of X numbers comes masked, and a masked number filters nothing).
 */
export function BindingsFilters(props: {
  state: BindingsListState;
  virtualNumbers: readonly string[] | undefined;
  filterByA: boolean;
  onChange(next: BindingsListState): void;
}) {
  const { state, onChange } = props;
  const [draft, setDraft] = useState({ x: state.virtualNum, e: state.extendNum, a: state.bindNum });
  useEffect(
    () => setDraft({ x: state.virtualNum, e: state.extendNum, a: state.bindNum }),
    [state.virtualNum, state.extendNum, state.bindNum],
  );

  const apply = (change: Partial<BindingsListState>) =>
    onChange({ ...state, ...change, page: { first: true } });
  const applyText = () => {
    const next = {
      virtualNum: draft.x.trim(),
      extendNum: draft.e.trim(),
      bindNum: props.filterByA ? draft.a.trim() : "",
    };
    if (
      next.virtualNum !== state.virtualNum ||
      next.extendNum !== state.extendNum ||
      next.bindNum !== state.bindNum
    ) {
      apply(next);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    applyText();
  };
  const stateValue =
    state.states.length === 1
      ? state.states[0]
      : state.states.length === BINDING_STATES.length
        ? ALL_STATES
        : "";
  const filtered = state.virtualNum || state.extendNum || state.bindNum || stateValue !== "ACTIVE";

  return (
    <form className="filters" aria-label="Filter bindings" onSubmit={submit}>
      <div className="filter">
        <label htmlFor="filter-x">X</label>
        {props.virtualNumbers ? (
          <select
            id="filter-x"
            value={state.virtualNum}
            onChange={(event) => apply({ virtualNum: event.target.value })}
          >
            <option value="">Any X</option>
            {props.virtualNumbers.map((number) => (
              <option key={number} value={number}>
                {number}
              </option>
            ))}
          </select>
        ) : (
          <input
            id="filter-x"
            value={draft.x}
            placeholder="Whole number, e.g. +8617000000001"
            inputMode="tel"
            onChange={(event) => setDraft({ ...draft, x: event.target.value })}
            onBlur={applyText}
          />
        )}
      </div>
      <div className="filter">
        <label htmlFor="filter-e">E</label>
        <input
          id="filter-e"
          className="narrow"
          value={draft.e}
          inputMode="numeric"
          onChange={(event) => setDraft({ ...draft, e: event.target.value })}
          onBlur={applyText}
        />
      </div>
      {props.filterByA && (
        <div className="filter">
          <label htmlFor="filter-a">A</label>
          <input
            id="filter-a"
            value={draft.a}
            inputMode="tel"
            placeholder="+8613800000021"
            onChange={(event) => setDraft({ ...draft, a: event.target.value })}
            onBlur={applyText}
          />
        </div>
      )}
      <div className="filter">
        <label htmlFor="filter-state">State</label>
        <select
          id="filter-state"
          value={stateValue}
          onChange={(event) =>
            apply({
              states:
                event.target.value === ALL_STATES
                  ? [...BINDING_STATES]
                  : [event.target.value as BindingStateValue],
            })
          }
        >
          {stateValue === "" && (
            <option value="">{state.states.map((s) => s.toLowerCase()).join(", ")}</option>
          )}
          {BINDING_STATES.map((s) => (
            <option key={s} value={s}>
              {s.charAt(0) + s.slice(1).toLowerCase()}
            </option>
          ))}
          <option value={ALL_STATES}>Any state</option>
        </select>
      </div>
      {/* Enter in a text filter submits; the button says so to a keyboard or screen-reader user. */}
      <button type="submit" className="visually-hidden">
        Apply filters
      </button>
      {filtered && (
        <button
          type="button"
          className="link"
          onClick={() =>
            onChange({
              ...state,
              virtualNum: "",
              extendNum: "",
              bindNum: "",
              states: ["ACTIVE"],
              page: { first: true },
            })
          }
        >
          Clear filters
        </button>
      )}
    </form>
  );
}
