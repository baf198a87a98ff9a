// Sign-in: ask the gateway who a credential belongs to. A refused credential is told apart from a gateway that
// cannot be reached, each with a sentence the user can act on.
import { stringifyDocument } from "@urql/core";
import { type Viewer, ViewerQuery } from "./viewer-query.js";

/** Why a sign-in failed. */
export class SignInError extends Error {
  override name = "SignInError";
  constructor(
    readonly code: "REFUSED" | "UNREACHABLE" | "UNEXPECTED",
    message: string,
  ) {
    super(message);
  }
}

/** Ask the gateway at `origin` who `credential` belongs to; throws a {@link SignInError}. */
export async function signIn(
  credential: string,
  origin: string = window.location.origin,
  fetchImpl: typeof fetch = fetch,
): Promise<Viewer> {
  let response: Response;
  try {
    response = await fetchImpl(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${credential}` },
      body: JSON.stringify({ query: stringifyDocument(ViewerQuery), operationName: "Viewer" }),
    });
  } catch {
    throw new SignInError("UNREACHABLE", "The gateway cannot be reached. Is it running?");
  }
  const body = (await response.json().catch(() => undefined)) as
    | { data?: { viewer?: Viewer }; errors?: { message: string; extensions?: { code?: string } }[] }
    | undefined;
  const viewer = body?.data?.viewer;
  if (response.ok && viewer) return viewer;
  const message = body?.errors?.[0]?.message;
  if (response.status === 401 || response.status === 403) {
    throw new SignInError("REFUSED", message ?? "The gateway refused this credential.");
  }
  throw new SignInError(
    "UNEXPECTED",
    message
      ? `The gateway answered ${response.status}: ${message}`
      : `The gateway answered ${response.status}.`,
  );
}
