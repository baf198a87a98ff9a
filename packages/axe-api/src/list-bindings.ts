import { createAxeApiError } from "./errors.js";
import { type Call, executeIdempotent } from "./execute.js";
import { FIRST_CURSOR, LIST_PATH } from "./paths.js";
import type { Binding, ListBindingsInput } from "./types.js";
import { fromBinding } from "./wire.js";

/** One v2.0 page: its bindings and the cursor of the next page (absent at the end). */
export interface BindingPage {
  bindings: Binding[];
  nextCursor: string | undefined;
}

// Huawei's v2.0 response schema is unpublished (docs/axe-platform.md §7.2). `bindingList` is the project's
// convention (the simulator's answer is `{ total, bindingList, nextCusor? }`); the others are accepted in
// case the platform's differs.
const LIST_FIELDS = ["bindingList", "bindings", "bindList", "list", "data"] as const;
const CURSOR = /^\d{13}_\d{1,20}$/;

/** Read one v2.0 page, or `undefined` when the answer has no recognisable list. */
export function fromPage(json: Record<string, unknown>, cursor: string): BindingPage | undefined {
  const list = LIST_FIELDS.map((name) => json[name]).find(Array.isArray);
  if (!list) return undefined;
  const bindings: Binding[] = [];
  for (const item of list) {
    const binding =
      typeof item === "object" && item !== null ? fromBinding(item as Record<string, unknown>) : undefined;
    if (!binding) return undefined;
    bindings.push(binding);
  }
  // The doc spells it `nextCusor`; accept the corrected spelling too.
  const next = json.nextCusor ?? json.nextCursor;
  // A page that repeats the cursor it was asked with would loop forever: treat it as the end.
  const nextCursor = typeof next === "string" && CURSOR.test(next) && next !== cursor ? next : undefined;
  return { bindings, nextCursor: bindings.length > 0 ? nextCursor : undefined };
}

/**
 * Iterate every binding of one X. Pages are fetched lazily, each as its own call (own retries and budget);
 * stopping the iteration early sends nothing more.
 */
export async function* listBindings(
  input: Required<ListBindingsInput>,
  startCall: () => Call,
): AsyncGenerator<Binding, void, undefined> {
  let cursor = FIRST_CURSOR;
  for (;;) {
    const call = startCall();
    const { json } = await executeIdempotent(call, {
      operation: "listBindings",
      method: "GET",
      path: LIST_PATH,
      query: [
        ["virtualNum", input.virtualNum],
        ["cursor", cursor],
        ["limit", String(input.pageSize)],
      ],
    });
    const page = fromPage(json, cursor);
    if (!page) {
      throw call.fail(
        createAxeApiError({
          category: "platform",
          message: "listBindings: page answer without a readable binding list",
          resultcode: "0",
          httpStatus: 200,
          retryable: false,
          requestId: call.requestId,
          attempts: call.httpAttempts,
        }),
      );
    }
    yield* page.bindings;
    if (page.nextCursor === undefined) return;
    cursor = page.nextCursor;
  }
}
