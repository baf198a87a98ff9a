/** Bindings. */
export function BindingsPage() {
  return <h1>Bindings</h1>;
}
