import { useState } from "react";
import { useSession } from "../session/session.js";
import { type ExportFormat, exportUrl, fetchExport } from "./export-request.js";
import type { RecordsView } from "./records-view.js";

function saveAs(blob: Blob, fileName: string) {
  const href = URL.createObjectURL(blob);
  const anchor = document.createElement("a");
  anchor.href = href;
  anchor.download = fileName;
  anchor.click();
  // The download has taken the blob once the click is handled.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

/** "Export CSV" / "Export JSON Lines" of the time range, X and outcome filtered (operators and admins). */
export function RecordsExport(props: { view: RecordsView }) {
  const { credential } = useSession();
  const [busy, setBusy] = useState<ExportFormat>();
  const [error, setError] = useState<string>();

  async function run(format: ExportFormat) {
    setBusy(format);
    setError(undefined);
    try {
      const { blob, fileName } = await fetchExport(exportUrl(format, props.view), credential);
      saveAs(blob, fileName);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(undefined);
    }
  }

  return (
    <div className="records-export">
      <button type="button" onClick={() => run("csv")} disabled={busy !== undefined}>
        {busy === "csv" ? "Exporting…" : "Export CSV"}
      </button>
      <button type="button" onClick={() => run("jsonl")} disabled={busy !== undefined}>
        {busy === "jsonl" ? "Exporting…" : "Export JSON Lines"}
      </button>
      <span className="muted small">Time range, X and outcome filters apply.</span>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </div>
  );
}
