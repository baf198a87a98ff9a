import type { GatewayContext } from "./context.js";

/**
 * Runs a mutation's work and logs who did what: the actor (an API key's name or a JWT's `sub`), the role, the
 * mutation, its input and how it ended. Phone numbers in the input are masked by the logger, as in every log
 * line. Every field of `Mutation` runs through this.
 */
export async function audited<T>(
  ctx: GatewayContext,
  mutation: string,
  input: Record<string, unknown>,
  run: () => Promise<T>,
): Promise<T> {
  const { actor, role, via } = ctx.caller;
  const entry = { audit: "mutation", actor, role, via, mutation, input };
  try {
    const result = await run();
    ctx.services.logger.info({ ...entry, outcome: "done" }, `${mutation} by ${actor}`);
    return result;
  } catch (error) {
    const failure =
      error instanceof Error ? { error: error.name, reason: error.message } : { error: String(error) };
    ctx.services.logger.info({ ...entry, outcome: "failed", ...failure }, `${mutation} by ${actor} failed`);
    throw error;
  }
}
