// A few bindings and calls on the embedded simulator, so that every page of the console has something to show:
// used by `pnpm screenshots` and the console's journey test. The simulator's clock is frozen; calls are played by
// advancing it.
import type { Simulator } from "@privnum/axe-simulator";
import type { TestGateway } from "./gateway.js";

/** The simulator's X numbers the scenario uses. */
export const SCENARIO_X = ["+8617000000001", "+8617000000002"] as const;

const CREATE = `mutation ($input: CreateBindingInput!) {
  createBinding(input: $input) {
    __typename
    ... on CreateBindingPayload { binding { subscriptionId virtualNum extendNum bindNum } }
    ... on Error { message }
  }
}`;

/** A binding the scenario made. */
export interface ScenarioBinding {
  subscriptionId: string;
  virtualNum: string;
  extendNum: string;
  bindNum: string;
}

/** Create a binding through the gateway as the operator; throws with the gateway's answer when it is refused. */
export async function bindThroughGateway(
  gw: TestGateway,
  input: Record<string, unknown>,
): Promise<ScenarioBinding> {
  const result = await gw.gql<{
    createBinding: { __typename: string; binding?: ScenarioBinding; message?: string };
  }>(CREATE, { input }, "operator");
  const binding = result.data?.createBinding.binding;
  if (!binding) throw new Error(`createBinding failed: ${JSON.stringify(result)}`);
  return binding;
}

/** Six bindings over two X numbers, two of them recorded. */
export async function seedBindings(gw: TestGateway): Promise<ScenarioBinding[]> {
  const bindings: ScenarioBinding[] = [];
  for (let i = 0; i < 6; i++) {
    bindings.push(
      await bindThroughGateway(gw, {
        bindNum: `+86138000000${String(21 + i).padStart(2, "0")}`,
        virtualNum: SCENARIO_X[i % 2],
        recordFlag: i < 2,
        userData: `customer-${1001 + i}`,
      }),
    );
  }
  return bindings;
}

/**
 * Calls over the last minutes on the bindings: answered ones (recorded where the binding records), unanswered,
 * busy and rejected ones, each played to its end.
 */
export async function seedFinishedCalls(
  simulator: Simulator,
  bindings: readonly ScenarioBinding[],
): Promise<void> {
  const outcomes = [
    "answered",
    "answered",
    "no-answer",
    "answered",
    "busy",
    "answered",
    "rejected",
    "answered",
  ] as const;
  for (const [i, outcome] of outcomes.entries()) {
    const binding = bindings[i % bindings.length]!;
    await simulator.simulateCall({
      caller: `+86139000000${String(40 + i).padStart(2, "0")}`,
      virtualNum: binding.virtualNum,
      digits: binding.extendNum,
      outcome,
      talkSeconds: 20 + i * 17,
    });
    await simulator.clock.advance(240_000);
  }
}
