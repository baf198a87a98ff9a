/** Numbers. */
export function NumbersPage() {
  return <h1>Numbers</h1>;
}
