import { maskPhoneNumber } from "@privnum/notification-schemas";

/** A reconciliation report as the gateway's `reconcileBindings` returns it (times as ISO-8601 text). */
export interface ReconcileReportView {
  startedAt: string;
  finishedAt: string;
  virtualNumbers: number;
  listed: number;
  imported: number;
  missing: number;
  unchanged: number;
  failed: { virtualNum: string; reason: string }[];
}

/** The report as lines for a terminal: a summary, then one line per failed X (numbers masked). */
export function formatReconcileReport(report: ReconcileReportView): string {
  const seconds = (Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000;
  const lines = [
    `Reconciled ${report.virtualNumbers} X number(s) in ${seconds.toFixed(1)} s: ` +
      `${report.listed} listed by the platform, ${report.imported} imported, ${report.missing} marked MISSING, ` +
      `${report.unchanged} unchanged, ${report.failed.length} X failed.`,
    ...report.failed.map((f) => `  failed ${maskPhoneNumber(f.virtualNum)}: ${f.reason}`),
  ];
  return `${lines.join("\n")}\n`;
}
