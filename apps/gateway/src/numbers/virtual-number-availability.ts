import { describeNumStatus, maskPhoneNumber } from "@privnum/notification-schemas";
import type { Executor } from "../database/database.js";
import { VirtualNumberUnavailableError } from "../shared/errors.js";
import { findVirtualNumber } from "./virtual-number.repository.js";

/**
 * Refuse a new binding on `virtualNum` when its stored status (the platform's last numStatus push,
 * docs/axe-platform.md §16.2) takes none: paused (9), unavailable (10) or binding frozen (11). A number never
 * reported, reported normal, or reported with a status not yet known is let through: the platform decides.
 */
export async function assertVirtualNumberTakesBindings(db: Executor, virtualNum: string): Promise<void> {
  const stored = await findVirtualNumber(db, virtualNum);
  if (!stored?.status) return;
  const status = describeNumStatus(stored.status);
  if (!status.known || status.canBind) return;
  throw new VirtualNumberUnavailableError({
    virtualNum,
    status: stored.status,
    statusCause: stored.cause,
    message: `X ${maskPhoneNumber(virtualNum)} takes no new bindings: ${status.description} (status ${stored.status}). Nothing was sent to the platform.`,
  });
}
