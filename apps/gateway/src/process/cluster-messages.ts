// What a cluster worker tells its primary (node:cluster IPC), once, about its start.
import type { StartedGateway } from "./start-banner.js";

/** The worker serves: what it reports for the start banner. */
export interface WorkerStartedMessage {
  type: "privnum:worker-started";
  gateway: StartedGateway;
}

/** The worker could not start; `message` is one line for the user (no stack, no secret). */
export interface WorkerFailedMessage {
  type: "privnum:worker-failed";
  message: string;
}

/** A message from a cluster worker to its primary. */
export type WorkerMessage = WorkerStartedMessage | WorkerFailedMessage;

/** Whether `value`, received over IPC, is one of the {@link WorkerMessage}s. */
export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== "object" || value === null) return false;
  const { type } = value as { type?: unknown };
  if (type === "privnum:worker-started") return typeof (value as WorkerStartedMessage).gateway === "object";
  if (type === "privnum:worker-failed") return typeof (value as WorkerFailedMessage).message === "string";
  return false;
}

/** Tell the primary (when this process is a cluster worker) how its start went; resolves once sent. */
export function reportToPrimary(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}
