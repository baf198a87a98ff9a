import { useState } from "react";
import { useMutation } from "urql";
import { combinedErrorMessage } from "../ui/combined-error-message.js";
import { RetryRecordingArchiveMutation } from "./call-record-operations.js";

/** "Retry archive" for a FAILED or EXPIRED recording (operators); the gateway's refusal is shown as it says it. */
export function RetryArchiveButton(props: { icid: string; onRetried(): void }) {
  const [state, retry] = useMutation(RetryRecordingArchiveMutation);
  const [error, setError] = useState<string>();

  async function click() {
    setError(undefined);
    const result = await retry({ icid: props.icid });
    if (result.error) {
      setError(combinedErrorMessage(result.error));
      return;
    }
    const outcome = result.data?.retryRecordingArchive;
    if (outcome?.__typename === "RetryRecordingArchivePayload") props.onRetried();
    else setError(outcome?.message ?? "The gateway gave no answer.");
  }

  return (
    <>
      <button type="button" onClick={click} disabled={state.fetching}>
        {state.fetching ? "Retrying…" : "Retry archive"}
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </>
  );
}
