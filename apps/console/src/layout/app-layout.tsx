import type { ReactNode } from "react";
import { Link, useRoute } from "wouter";
import { useSession } from "../session/session.js";
import { SocketIndicator } from "./socket-indicator.js";

const PAGES = [
  { path: "/bindings", label: "Bindings" },
  { path: "/calls", label: "Live calls" },
  { path: "/records", label: "Call records" },
  { path: "/numbers", label: "Numbers" },
] as const;

function NavLink(props: { path: string; label: string }) {
  const [active] = useRoute(props.path);
  return (
    <Link
      href={props.path}
      className={active ? "active" : undefined}
      aria-current={active ? "page" : undefined}
    >
      {props.label}
    </Link>
  );
}

/** Header (navigation, live connection, who is signed in) above the page. */
export function AppLayout(props: { children: ReactNode }) {
  const { viewer, signOut } = useSession();
  return (
    <div className="app">
      <header>
        <span className="brand">privnum</span>
        <nav aria-label="Pages">
          {PAGES.map((page) => (
            <NavLink key={page.path} {...page} />
          ))}
        </nav>
        <SocketIndicator />
        <span className="who" data-testid="signed-in-as">
          {viewer.actor} · <strong data-testid="role">{viewer.role.toLowerCase()}</strong>
          {viewer.masksNumbers && <span className="badge">numbers masked</span>}
        </span>
        <button type="button" className="link" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main>{props.children}</main>
    </div>
  );
}
