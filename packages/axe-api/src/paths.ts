/** Interface URIs, appended to the base URL (docs/axe-platform.md §4–§9). */

/** Bind (POST), modify (PUT), unbind (DELETE) and query v1.0 (GET) of AXE bindings. */
export const BIND_PATH = "/rest/caas/extendnumber/v1.0";

/** Query v2.0: cursor pages over the bindings of one X. */
export const LIST_PATH = "/rest/caas/extendnumber/v2.0";

/** Recording download address (answers with a 301 and `Location`). */
export const RECORDING_PATH = "/rest/provision/voice/record/v1.0";

/** The cursor of the first v2.0 page (docs/axe-platform.md §7.2). */
export const FIRST_CURSOR = "0000000000000_0";
