// The credential the console signs in with, kept for this browser tab only (sessionStorage): closing the tab
// signs out, and no other tab or later visitor of a shared machine finds the key.

const KEY = "privnum-console:credential";

/** The stored API key or JWT, or undefined when signed out. */
export function loadCredential(storage: Pick<Storage, "getItem"> = sessionStorage): string | undefined {
  const value = storage.getItem(KEY);
  return value === null || value === "" ? undefined : value;
}

/** Keep `credential` for this tab. */
export function saveCredential(credential: string, storage: Pick<Storage, "setItem"> = sessionStorage): void {
  storage.setItem(KEY, credential);
}

/** Forget the credential (sign out). */
export function clearCredential(storage: Pick<Storage, "removeItem"> = sessionStorage): void {
  storage.removeItem(KEY);
}

/** The credential as pasted, trimmed, without a `Bearer ` prefix someone copied with it. */
export function normaliseCredential(input: string): string {
  return input.trim().replace(/^bearer\s+/i, "");
}
