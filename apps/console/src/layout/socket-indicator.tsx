import { useSocketStatus } from "../api/socket-status.js";
import { useSession } from "../session/session.js";
import { formatTime } from "../ui/format.js";

/** The live connection's state in the header: the user sees a drop and the reconnection that followed it. */
export function SocketIndicator() {
  const status = useSocketStatus(useSession().client.socketStatus);
  const label =
    status.state === "connected"
      ? status.reconnects > 0
        ? `Live · reconnected ${status.reconnects}×`
        : "Live"
      : status.state === "reconnecting"
        ? "Reconnecting…"
        : status.state === "connecting"
          ? "Connecting…"
          : "Idle";
  const title =
    status.state === "idle"
      ? "No live connection: the console opens one when a page shows live data."
      : status.lastDropAt !== undefined
        ? `Last drop at ${formatTime(new Date(status.lastDropAt).toISOString())}: ${status.lastDropReason ?? "connection lost"}`
        : undefined;
  return (
    <output className={`socket socket-${status.state}`} data-testid="socket-status" title={title}>
      {label}
    </output>
  );
}
