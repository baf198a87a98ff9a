import { useEffect, useMemo, useRef } from "react";
import { useSubscription } from "urql";
import { useSocketStatus } from "../api/socket-status.js";
import { useSession } from "../session/session.js";
import { combinedErrorMessage } from "../ui/combined-error-message.js";
import { throttle } from "../ui/throttle.js";
import { BindingChangesSubscription } from "./binding-operations.js";

/** At most one refetch per this interval, however many bindings change. */
export const REFRESH_INTERVAL_MS = 1000;

/**
 * Keep a list of bindings current: `refetch` runs (throttled) on every binding change anywhere, and once after
 * the live connection comes back (changes made while it was down are not replayed here). Returns why live
 * updates stopped, if they did.
 */
export function useBindingChangesRefresh(refetch: () => void): string | undefined {
  const { client } = useSession();
  const latest = useRef(refetch);
  latest.current = refetch;
  const throttled = useMemo(() => throttle(() => latest.current(), REFRESH_INTERVAL_MS), []);
  useEffect(() => () => throttled.cancel(), [throttled]);

  const [changes] = useSubscription({ query: BindingChangesSubscription });
  useEffect(() => {
    if (changes.data) throttled.call();
  }, [changes.data, throttled]);

  const { reconnects } = useSocketStatus(client.socketStatus);
  const seenReconnects = useRef(reconnects);
  useEffect(() => {
    if (reconnects === seenReconnects.current) return;
    seenReconnects.current = reconnects;
    throttled.call();
  }, [reconnects, throttled]);

  return changes.error ? combinedErrorMessage(changes.error) : undefined;
}
