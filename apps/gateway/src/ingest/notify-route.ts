import type { Plugin } from "graphql-yoga";
import { createNotifyHandler, NOTIFY_PATHS, type NotifyHandlerOptions } from "./notify-handler.js";

/** A Yoga plugin serving the webhook paths ({@link NOTIFY_PATHS}) next to /graphql. */
export function useNotifyRoute(options: NotifyHandlerOptions): Plugin {
  const handle = createNotifyHandler(options);
  const paths = new Set(NOTIFY_PATHS);
  return {
    async onRequest({ request, url, endResponse }) {
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
      if (paths.has(path)) endResponse(await handle(request));
    },
  };
}
