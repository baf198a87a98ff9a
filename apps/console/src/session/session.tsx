// The signed-in session: the credential, who it belongs to, and the client built for it. Components read it with
// useSession(); `can(role)` decides which controls exist at all (a viewer gets no button that changes anything).
import { createContext, type ReactNode, useContext, useEffect, useMemo } from "react";
import { Provider as UrqlProvider } from "urql";
import { createGatewayClient, type GatewayClient } from "../api/gateway-client.js";
import { type Role, roleIncludes } from "./roles.js";
import type { Viewer } from "./viewer-query.js";

/** What every page of a signed-in console can reach. */
export interface Session {
  viewer: Viewer;
  client: GatewayClient;
  /** The API key or JWT signed in with, for the gateway's plain HTTP routes (exports) that need the header. */
  credential: string;
  /** Whether the signed-in role may do what `needed` allows. */
  can(needed: Role): boolean;
  signOut(): void;
}

const SessionContext = createContext<Session | undefined>(undefined);

/** The session; only inside {@link SessionProvider}. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession() outside a signed-in console");
  return session;
}

/** Provides the session and an urql client for `credential` to `children`; the client goes on sign-out. */
export function SessionProvider(props: {
  credential: string;
  viewer: Viewer;
  onSignOut(): void;
  /** Told when the gateway refuses the credential mid-session (a JWT expired, a key was revoked). */
  onUnauthorized(message: string): void;
  children: ReactNode;
}) {
  const { credential, viewer, onSignOut, onUnauthorized } = props;
  const client = useMemo(
    () => createGatewayClient({ credential, onUnauthorized }),
    [credential, onUnauthorized],
  );
  useEffect(() => () => client.dispose(), [client]);
  const session = useMemo<Session>(
    () => ({
      viewer,
      client,
      credential,
      can: (needed) => roleIncludes(viewer.role, needed),
      signOut: onSignOut,
    }),
    [viewer, client, credential, onSignOut],
  );
  return (
    <SessionContext.Provider value={session}>
      <UrqlProvider value={client.urql}>{props.children}</UrqlProvider>
    </SessionContext.Provider>
  );
}
