/** Call records. */
export function CallRecordsPage() {
  return <h1>Call records</h1>;
}
