/** Live calls. */
export function LiveCallsPage() {
  return <h1>Live calls</h1>;
}
