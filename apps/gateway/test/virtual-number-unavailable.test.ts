import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase, type TestDatabase } from "./support/databases.js";
import { startGateway, type TestGateway, until } from "./support/gateway.js";
import { platformSeam } from "./support/platform-seam.js";

const X1 = "+8617000000001";
const X2 = "+8617000000002";

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBindingInput!) {
    createBinding(input: $input) {
      __typename
      ... on CreateBindingPayload { binding { virtualNum state } }
      ... on VirtualNumberUnavailableError { virtualNum status cause { code description } message }
      ... on Error { message }
    }
  }
`;

type Status = "5" | "9" | "10" | "11";

describe("createBinding on an X the platform said takes no new bindings", () => {
  let database: TestDatabase;
  let gw: TestGateway;
  const seam = platformSeam();
  const binds = () => seam.sent("POST", "/extendnumber/v1.0").length;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    gw = await startGateway(
      { database: database.config },
      { platformClient: { retry: false, fetch: seam.fetch, timeoutMs: 5_000 } },
    );
  });
  afterAll(async () => {
    await gw?.stop();
    await database?.drop();
  });

  /** Have the simulator push X's new status, and wait until the gateway has stored it. */
  async function pushStatus(number: string, status: Status, cause?: "2") {
    const sim = gw.gateway.simulator!;
    await sim.setNumberStatus({ number, status, ...(cause ? { cause } : {}) });
    await sim.clock.advance(1_000);
    await until(async () => {
      const read = await gw.gql<{ virtualNumbers: { number: string; statusCode: string | null }[] }>(
        "query { virtualNumbers { number statusCode } }",
      );
      return read.data?.virtualNumbers.some((n) => n.number === number && n.statusCode === status) ?? false;
    }, `status ${status} of ${number} to be stored`);
  }

  const create = (bindNum: string, virtualNum: string) =>
    gw.gql<{ createBinding: Record<string, unknown> }>(
      CREATE,
      { input: { bindNum, virtualNum } },
      "operator",
    );

  it.each([
    ["9", "PAUSED", undefined, null],
    ["10", "UNAVAILABLE", "2" as const, { code: "2", description: "Account in arrears" }],
    ["11", "BINDING_FROZEN", undefined, null],
  ] as const)(
    "refuses status %s (%s) without asking the platform",
    async (status, name, cause, described) => {
      await pushStatus(X1, status, cause);
      const before = binds();
      const result = await create("+8613800000901", X1);
      expect(result.errors).toBeUndefined();
      expect(result.data?.createBinding).toEqual({
        __typename: "VirtualNumberUnavailableError",
        virtualNum: X1,
        status: name,
        cause: described,
        message: expect.stringContaining("X +86170****0001 takes no new bindings"),
      });
      expect(binds()).toBe(before);
    },
  );

  it("binds on an X reported normal again, and on an X never reported", async () => {
    await pushStatus(X1, "5");
    const before = binds();
    expect((await create("+8613800000902", X1)).data?.createBinding).toEqual({
      __typename: "CreateBindingPayload",
      binding: { virtualNum: X1, state: "ACTIVE" },
    });
    expect((await create("+8613800000903", X2)).data?.createBinding).toMatchObject({
      __typename: "CreateBindingPayload",
    });
    expect(binds()).toBe(before + 2);
  });
});
