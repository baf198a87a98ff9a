import type { FanOut } from "../fanout/fan-out.js";
import type { GatewayPubSub } from "../pubsub/pubsub.js";
import type { StoredPush } from "./stored-push.js";

/**
 * Tell subscribers what a committed push changed: call events go out through the feeds of every instance (woken by
 * the fan-out, they read them back in stream order), session, CDR and number changes through the pub-sub.
 */
export function publishStoredPush(push: StoredPush, to: { fanOut: FanOut; pubsub: GatewayPubSub }): void {
  if (push.events.length > 0) to.fanOut.committed();
  for (const session of push.sessions) to.pubsub.publish("callSession", session);
  for (const record of push.records) to.pubsub.publish("callRecord", record);
  for (const number of push.numbers) to.pubsub.publish("virtualNumber", number);
}
