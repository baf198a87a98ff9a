import { type FormEvent, useState } from "react";
import { normaliseCredential } from "../api/credential-store.js";
import { SignInError, signIn } from "./sign-in.js";
import type { Viewer } from "./viewer-query.js";

/** The sign-in form: an API key or a JWT, checked with the gateway before anything else shows. */
export function SignInPage(props: { onSignedIn(credential: string, viewer: Viewer): void; notice?: string }) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | undefined>(props.notice);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const credential = normaliseCredential(value);
    if (credential === "") {
      setError("Paste an API key or a JWT.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      props.onSignedIn(credential, await signIn(credential));
    } catch (caught) {
      setError(caught instanceof SignInError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-label="Sign in">
        <h1>privnum console</h1>
        <p>
          Sign in with an API key or a JWT. <code>pnpm start</code> prints an operator, a viewer and an admin
          key.
        </p>
        <label htmlFor="credential">API key or JWT</label>
        <input
          id="credential"
          name="credential"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(event) => setValue(event.target.value)}
          aria-invalid={error !== undefined}
          aria-describedby={error ? "sign-in-error" : undefined}
        />
        {error && (
          <p id="sign-in-error" role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
    </main>
  );
}
