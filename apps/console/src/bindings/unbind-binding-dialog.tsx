import { useState } from "react";
import { useMutation } from "urql";
import { ModalDialog } from "../ui/modal-dialog.js";
import { commandOutcome } from "./binding-command-outcome.js";
import type { Explanation } from "./binding-error-explanation.js";
import { BindingFailureAlert } from "./binding-failure-alert.js";
import { type BindingRow, DeleteBindingMutation } from "./binding-operations.js";

/** The confirmation before deleteBinding, naming X and E, and why it failed if it did. */
export function UnbindBindingDialog(props: { binding: BindingRow; onDone(): void; onClose(): void }) {
  const { binding } = props;
  const [failure, setFailure] = useState<Explanation>();
  const [{ fetching }, deleteBinding] = useMutation(DeleteBindingMutation);

  async function confirm() {
    setFailure(undefined);
    const answer = await deleteBinding({ input: { subscriptionId: binding.subscriptionId } });
    const outcome = commandOutcome({ data: answer.data?.deleteBinding, error: answer.error }, (result) =>
      result.__typename === "DeleteBindingPayload" ? true : undefined,
    );
    if (outcome.ok) props.onDone();
    else setFailure(outcome.explanation);
  }

  return (
    <ModalDialog title={`Unbind ${binding.virtualNum} · E ${binding.extendNum}?`} onClose={props.onClose}>
      <p>
        Callers dialling <span className="mono">{binding.virtualNum}</span> and keying{" "}
        <span className="mono">{binding.extendNum}</span> will no longer reach{" "}
        <span className="mono">{binding.bindNum}</span>. The platform frees the extension at once.
      </p>
      {failure && <BindingFailureAlert explanation={failure} />}
      <div className="form-actions">
        <button type="button" className="danger" disabled={fetching} onClick={confirm}>
          {fetching ? "Unbinding…" : "Unbind"}
        </button>
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
