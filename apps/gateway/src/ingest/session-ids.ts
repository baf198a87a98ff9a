import type { Notification } from "@privnum/notification-schemas";

/** The calls a push touches: its event's sessionId, or those of its CDRs (none for other pushes). */
export function sessionIdsOf(notification: Notification): string[] {
  if (notification.kind === "callEvent") return [notification.statusInfo.sessionId];
  if (notification.kind === "fee") return notification.feeLst.map((record) => record.sessionId);
  return [];
}
