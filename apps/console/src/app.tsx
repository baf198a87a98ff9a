import { lazy, Suspense, useCallback, useEffect, useState } from "react";
import { Redirect, Route, Router, Switch } from "wouter";
import { clearCredential, loadCredential, saveCredential } from "./api/credential-store.js";
import { BindingsPage } from "./bindings/bindings-page.js";
import { LiveCallsPage } from "./calls/live-calls-page.js";
import { AppLayout } from "./layout/app-layout.js";
import { CallRecordsPage } from "./records/call-records-page.js";
import { SessionProvider } from "./session/session.js";
import { SignInError, signIn } from "./session/sign-in.js";
import { SignInPage } from "./session/sign-in-page.js";
import type { Viewer } from "./session/viewer-query.js";

// The Numbers page draws charts: Chart.js loads with it, not with the console's first page.
const NumbersPage = lazy(() => import("./numbers/numbers-page.js").then((m) => ({ default: m.NumbersPage })));

type State =
  | { kind: "checking"; credential: string }
  | { kind: "signed-out"; notice?: string }
  | { kind: "signed-in"; credential: string; viewer: Viewer };

function initialState(): State {
  const credential = loadCredential();
  return credential ? { kind: "checking", credential } : { kind: "signed-out" };
}

/** The console: sign-in first, then the pages, under /console/ on the gateway's own origin. */
export function App() {
  const [state, setState] = useState<State>(initialState);

  // A credential kept from earlier in this tab is checked again: it may have expired or been revoked.
  useEffect(() => {
    if (state.kind !== "checking") return;
    let current = true;
    signIn(state.credential).then(
      (viewer) => current && setState({ kind: "signed-in", credential: state.credential, viewer }),
      (error: unknown) => {
        if (!current) return;
        if (!(error instanceof SignInError && error.code === "REFUSED")) {
          setState({ kind: "signed-out", notice: (error as Error).message });
          return;
        }
        clearCredential();
        setState({ kind: "signed-out", notice: `Sign in again: ${error.message}` });
      },
    );
    return () => {
      current = false;
    };
  }, [state]);

  const onSignedIn = useCallback((credential: string, viewer: Viewer) => {
    saveCredential(credential);
    setState({ kind: "signed-in", credential, viewer });
  }, []);
  const signOut = useCallback((notice?: string) => {
    clearCredential();
    setState(notice ? { kind: "signed-out", notice } : { kind: "signed-out" });
  }, []);
  const onSignOut = useCallback(() => signOut(), [signOut]);
  const onUnauthorized = useCallback((message: string) => signOut(`Sign in again: ${message}`), [signOut]);

  if (state.kind === "checking") return <p className="checking">Signing in…</p>;
  if (state.kind === "signed-out") return <SignInPage onSignedIn={onSignedIn} notice={state.notice} />;
  return (
    <SessionProvider
      credential={state.credential}
      viewer={state.viewer}
      onSignOut={onSignOut}
      onUnauthorized={onUnauthorized}
    >
      <Router base="/console">
        <AppLayout>
          <Switch>
            <Route path="/bindings" component={BindingsPage} />
            <Route path="/calls" component={LiveCallsPage} />
            <Route path="/records" component={CallRecordsPage} />
            <Route path="/numbers">
              <Suspense fallback={<p className="muted">Loading…</p>}>
                <NumbersPage />
              </Suspense>
            </Route>
            <Route>
              <Redirect to="/bindings" replace />
            </Route>
          </Switch>
        </AppLayout>
      </Router>
    </SessionProvider>
  );
}
