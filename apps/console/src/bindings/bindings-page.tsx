import "./bindings.css";
import { useCallback, useMemo, useState } from "react";
import { useQuery } from "urql";
import { useSearchParams } from "wouter";
import { useSession } from "../session/session.js";
import { combinedErrorMessage } from "../ui/combined-error-message.js";
import { type BindingRow, BindingsQuery, VirtualNumbersQuery } from "./binding-operations.js";
import { BindingsFilters } from "./bindings-filters.js";
import { BindingsTable } from "./bindings-table.js";
import {
  BINDINGS_PAGE_SIZE,
  type BindingsListState,
  DEFAULT_LIST_STATE,
  formatListState,
  listVariables,
  pageLinks,
  parseListState,
} from "./bindings-url-state.js";
import { CreateBindingForm } from "./create-binding-form.js";
import { ModifyBindingDialog } from "./modify-binding-dialog.js";
import { UnbindBindingDialog } from "./unbind-binding-dialog.js";
import { useBindingChangesRefresh } from "./use-binding-changes-refresh.js";

// A mutation answering a Binding invalidates this list through urql's document cache; an empty page carries no
// typename to go by, so the list says which type it holds.
const LIST_CONTEXT = { additionalTypenames: ["Binding"] };

type Dialog = { kind: "modify"; binding: BindingRow } | { kind: "unbind"; binding: BindingRow };

/** Whether `binding` is one the list as filtered would show. */
function listShows(state: BindingsListState, binding: BindingRow): boolean {
  return (
    state.states.includes(binding.state) &&
    (!state.virtualNum || state.virtualNum === binding.virtualNum) &&
    (!state.extendNum || state.extendNum === binding.extendNum) &&
    (!state.bindNum || state.bindNum === binding.bindNum)
  );
}

/** The bindings: a live table, filters and pages in the URL, and for operators create, modify and unbind. */
export function BindingsPage() {
  const { can, viewer } = useSession();
  const mayChange = can("OPERATOR");
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const state = useMemo(() => parseListState(new URLSearchParams(search)), [search]);
  const setState = useCallback((next: BindingsListState) => setParams(formatListState(next)), [setParams]);

  const variables = useMemo(() => listVariables(state, mayChange), [state, mayChange]);
  const [list, reexecuteList] = useQuery({ query: BindingsQuery, variables, context: LIST_CONTEXT });
  const [numbers] = useQuery({ query: VirtualNumbersQuery });
  const refetch = useCallback(() => reexecuteList({ requestPolicy: "network-only" }), [reexecuteList]);
  const liveError = useBindingChangesRefresh(refetch);

  const [creating, setCreating] = useState(false);
  const [dialog, setDialog] = useState<Dialog>();
  const [highlighted, setHighlighted] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const rows = list.data?.bindings.edges.map((edge) => edge.node) ?? [];
  const links = list.data ? pageLinks(state.page, list.data.bindings.pageInfo) : {};
  const onFirstPage = "first" in state.page;
  const numberOptions = numbers.data?.virtualNumbers ?? [];
  const filtered = state.virtualNum || state.extendNum || state.bindNum || state.states.join() !== "ACTIVE";

  function onCreated(binding: BindingRow) {
    setCreating(false);
    setHighlighted(binding.subscriptionId);
    setNotice(`Bound ${binding.bindNum} on ${binding.virtualNum}, extension ${binding.extendNum}.`);
    // Newest first: the new binding heads the first page, of this list if it shows it, else of the default one.
    setState(listShows(state, binding) ? { ...state, page: { first: true } } : DEFAULT_LIST_STATE);
    refetch();
  }

  return (
    <section className="bindings-page" aria-labelledby="bindings-title">
      <div className="page-head">
        <h1 id="bindings-title">Bindings</h1>
        {mayChange && !creating && (
          <button
            type="button"
            className="primary"
            onClick={() => {
              setNotice(undefined);
              setCreating(true);
            }}
          >
            New binding
          </button>
        )}
      </div>

      {mayChange && creating && (
        <CreateBindingForm
          virtualNumbers={numberOptions}
          onCreated={onCreated}
          onCancel={() => setCreating(false)}
        />
      )}
      {notice && (
        <p role="status" className="notice">
          {notice}
          <button type="button" className="link" aria-label="Dismiss" onClick={() => setNotice(undefined)}>
            ×
          </button>
        </p>
      )}

      <BindingsFilters
        state={state}
        virtualNumbers={viewer.masksNumbers ? undefined : numberOptions.map((n) => n.number)}
        filterByA={mayChange}
        onChange={setState}
      />
      {liveError && (
        <p className="muted live-error">Live updates stopped: {liveError}. Reload the page to resume them.</p>
      )}

      {list.error && !list.data ? (
        <p role="alert" className="error panel">
          Could not load the bindings: {combinedErrorMessage(list.error)}
        </p>
      ) : !list.data ? (
        <p role="status" className="muted panel">
          Loading bindings…
        </p>
      ) : rows.length === 0 ? (
        <div className="panel empty">
          {filtered || !onFirstPage ? (
            <p>No bindings match these filters{onFirstPage ? "" : " on this page"}.</p>
          ) : mayChange ? (
            <p>
              No bindings yet —{" "}
              <button type="button" className="link" onClick={() => setCreating(true)}>
                create one
              </button>
              .
            </p>
          ) : (
            <p>No bindings yet.</p>
          )}
        </div>
      ) : (
        <>
          {list.error && (
            <p role="alert" className="error">
              Could not refresh the bindings: {combinedErrorMessage(list.error)}
            </p>
          )}
          <BindingsTable
            rows={rows}
            highlighted={highlighted}
            onModify={mayChange ? (binding) => setDialog({ kind: "modify", binding }) : undefined}
            onUnbind={mayChange ? (binding) => setDialog({ kind: "unbind", binding }) : undefined}
          />
        </>
      )}

      <nav className="pager" aria-label="Pages of bindings">
        <span className="muted">{BINDINGS_PAGE_SIZE} per page</span>
        <button
          type="button"
          disabled={onFirstPage}
          onClick={() => setState({ ...state, page: { first: true } })}
        >
          First
        </button>
        <button
          type="button"
          disabled={!links.previous}
          onClick={() => links.previous && setState({ ...state, page: { before: links.previous } })}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!links.next}
          onClick={() => links.next && setState({ ...state, page: { after: links.next } })}
        >
          Next
        </button>
      </nav>

      {dialog?.kind === "modify" && (
        <ModifyBindingDialog
          binding={dialog.binding}
          onClose={() => setDialog(undefined)}
          onDone={(binding) => {
            setDialog(undefined);
            setHighlighted(binding.subscriptionId);
            setNotice(`Saved the changes to ${binding.virtualNum}, extension ${binding.extendNum}.`);
            refetch();
          }}
        />
      )}
      {dialog?.kind === "unbind" && (
        <UnbindBindingDialog
          binding={dialog.binding}
          onClose={() => setDialog(undefined)}
          onDone={() => {
            setDialog(undefined);
            setNotice(`Unbound ${dialog.binding.virtualNum}, extension ${dialog.binding.extendNum}.`);
            refetch();
          }}
        />
      )}
    </section>
  );
}
