import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.js";

const X1 = "+8617000000001";
const X2 = "+8617000000002";

const BINDING_FIELDS = `
  subscriptionId virtualNum extendNum bindNum state expiresAt timeUnit bindExpiredTime recordFlag userData
  createdAt deletedAt
`;

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateBindingInput!) {
    createBinding(input: $input) {
      __typename
      ... on CreateBindingPayload { binding { ${BINDING_FIELDS} } }
      ... on PlatformError { message resultcode resultdesc httpStatus category retryable }
      ... on ValidationError { message fields { field message } }
    }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation Update($input: UpdateBindingInput!) {
    updateBinding(input: $input) {
      __typename
      ... on UpdateBindingPayload { binding { ${BINDING_FIELDS} } }
      ... on Error { message }
      ... on PlatformError { resultcode }
      ... on NotFoundError { resultcode resultdesc }
      ... on ValidationError { fields { field message } }
    }
  }
`;

const DELETE = /* GraphQL */ `
  mutation Delete($input: DeleteBindingInput!) {
    deleteBinding(input: $input) {
      __typename
      ... on DeleteBindingPayload { subscriptionId binding { ${BINDING_FIELDS} } }
      ... on NotFoundError { message resultcode resultdesc }
      ... on ValidationError { fields { field message } }
    }
  }
`;

interface BindingView {
  subscriptionId: string;
  virtualNum: string;
  extendNum: string;
  bindNum: string;
  state: string;
  expiresAt: string | null;
  timeUnit: string;
  bindExpiredTime: number | null;
  deletedAt: string | null;
  createdAt: string;
}

interface Edges {
  edges: { node: { subscriptionId: string } }[];
}

interface BindingsPage {
  bindings: Edges & { pageInfo: { hasNextPage: boolean; endCursor: string } };
}

describe("binding queries and mutations (in-process, embedded simulator, PGlite)", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });

  async function create(input: Record<string, unknown>) {
    const result = await gw.gql<{ createBinding: Record<string, unknown> }>(CREATE, { input });
    expect(result.errors).toBeUndefined();
    return result.data!.createBinding;
  }

  it("createBinding binds A on X and the binding is then readable every way", async () => {
    const result = await create({ bindNum: "+8613800000021", virtualNum: X1, userData: "order-42" });
    expect(result.__typename).toBe("CreateBindingPayload");
    const binding = result.binding as BindingView;
    expect(binding).toMatchObject({
      virtualNum: X1,
      extendNum: "0001",
      bindNum: "+8613800000021",
      state: "ACTIVE",
      expiresAt: null,
      timeUnit: "HOURS",
      userData: "order-42",
    });

    const read = await gw.gql<Record<string, BindingView | null>>(
      /* GraphQL */ `query($id: String!, $x: String!, $e: String!) {
        byId: binding(subscriptionId: $id) { subscriptionId bindNum }
        byExtension: bindingByExtension(virtualNum: $x, extendNum: $e) { subscriptionId }
      }`,
      { id: binding.subscriptionId, x: X1, e: "0001" },
    );
    expect(read.data?.byId).toEqual({ subscriptionId: binding.subscriptionId, bindNum: "+8613800000021" });
    expect(read.data?.byExtension).toEqual({ subscriptionId: binding.subscriptionId });

    const numbers = await gw.gql<{ virtualNumbers: { number: string; status: string | null }[] }>(
      "{ virtualNumbers { number status } }",
    );
    expect(numbers.data?.virtualNumbers).toContainEqual({ number: X1, status: "NORMAL" });
  });

  it("a node ID fetches the binding back through node()", async () => {
    const created = (await create({ bindNum: "+8613800000030", virtualNum: X2 })).binding as BindingView;
    const withId = await gw.gql<{ binding: { id: string } }>(
      "query($id: String!) { binding(subscriptionId: $id) { id } }",
      { id: created.subscriptionId },
    );
    const node = await gw.gql<{ node: { __typename: string; subscriptionId: string } }>(
      "query($id: ID!) { node(id: $id) { __typename ... on Binding { subscriptionId } } }",
      { id: withId.data!.binding.id },
    );
    expect(node.data?.node).toEqual({ __typename: "Binding", subscriptionId: created.subscriptionId });
  });

  it("invalid input comes back as a ValidationError naming the field, and nothing is sent", async () => {
    const result = await create({ bindNum: "12345", virtualNum: X1 });
    expect(result.__typename).toBe("ValidationError");
    expect((result.fields as { field: string }[]).map((f) => f.field)).toContain("bindNum");
    const sim = gw.gateway.simulator!.state();
    expect(sim.bindings.some((b) => b.bindNum === "12345")).toBe(false);
  });

  it("a platform refusal comes back as a PlatformError with resultcode and resultdesc", async () => {
    await create({ bindNum: "+8613800000022", virtualNum: X1, extendNum: "0500" });
    const taken = await create({ bindNum: "+8613800000023", virtualNum: X1, extendNum: "0500" });
    expect(taken).toMatchObject({
      __typename: "PlatformError",
      resultcode: "1020167",
      category: "NO_RESOURCES",
      retryable: false,
    });
    expect(typeof taken.resultdesc).toBe("string");
    const again = await create({ bindNum: "+8613800000022", virtualNum: X1 });
    expect(again).toMatchObject({ __typename: "PlatformError", resultcode: "1013102" });
  });

  it("updateBinding changes the binding; a new bindExpiredTime restarts the expiry clock", async () => {
    const created = (await create({ bindNum: "+8613800000024", virtualNum: X1, recordFlag: false }))
      .binding as BindingView;
    const before = gw.gateway.services.now();
    const updated = await gw.gql<{
      updateBinding: { __typename: string; binding: BindingView & { recordFlag: boolean } };
    }>(UPDATE, {
      input: {
        subscriptionId: created.subscriptionId,
        recordFlag: true,
        bindExpiredTime: 30,
        timeUnit: "MINUTES",
      },
    });
    expect(updated.data?.updateBinding.__typename).toBe("UpdateBindingPayload");
    const binding = updated.data!.updateBinding.binding;
    expect(binding.recordFlag).toBe(true);
    expect(binding.state).toBe("ACTIVE");
    expect(Date.parse(binding.expiresAt!)).toBe(before.getTime() + 30 * 60_000);
    // The platform keeps reporting create's unit and lifetime (docs/axe-platform.md §6).
    expect(binding.timeUnit).toBe("HOURS");
  });

  it("expiry is reflected in queries once the binding's time has passed", async () => {
    const sim = gw.gateway.simulator!;
    const created = (
      await create({ bindNum: "+8613800000025", virtualNum: X2, bindExpiredTime: 10, timeUnit: "MINUTES" })
    ).binding as BindingView;
    expect(Date.parse(created.expiresAt!)).toBe(Date.parse(created.createdAt) + 600_000);
    const query = /* GraphQL */ `query($id: String!, $x: String!, $e: String!) {
      binding(subscriptionId: $id) { state }
      bindingByExtension(virtualNum: $x, extendNum: $e) { subscriptionId }
      active: bindings(filter: { virtualNum: $x }) { edges { node { subscriptionId } } }
      expired: bindings(filter: { virtualNum: $x, states: [EXPIRED] }) { edges { node { subscriptionId } } }
    }`;
    const vars = { id: created.subscriptionId, x: X2, e: created.extendNum };
    const ids = (c: Edges) => c.edges.map((e) => e.node.subscriptionId);

    let read = await gw.gql<{ active: Edges; expired: Edges }>(query, vars);
    expect(read.data).toMatchObject({
      binding: { state: "ACTIVE" },
      bindingByExtension: { subscriptionId: created.subscriptionId },
    });
    expect(ids(read.data!.active)).toContain(created.subscriptionId);

    await sim.clock.advance(10 * 60_000);
    read = await gw.gql<{ active: Edges; expired: Edges }>(query, vars);
    expect(read.data).toMatchObject({ binding: { state: "EXPIRED" }, bindingByExtension: null });
    expect(ids(read.data!.active)).not.toContain(created.subscriptionId);
    expect(ids(read.data!.expired)).toContain(created.subscriptionId);
    // The platform removed it too.
    expect(sim.state().bindings.some((b) => b.subscriptionId === created.subscriptionId)).toBe(false);
  });

  it("deleteBinding unbinds: the binding reads DELETED and a second delete is a NotFoundError", async () => {
    const created = (await create({ bindNum: "+8613800000026", virtualNum: X1 })).binding as BindingView;
    const deleted = await gw.gql<{ deleteBinding: Record<string, unknown> }>(DELETE, {
      input: { virtualNum: X1, extendNum: created.extendNum },
    });
    expect(deleted.data?.deleteBinding).toMatchObject({
      __typename: "DeleteBindingPayload",
      subscriptionId: created.subscriptionId,
      binding: { state: "DELETED" },
    });
    const read = await gw.gql<Record<string, unknown>>(
      `query($id: String!, $x: String!, $e: String!) {
        binding(subscriptionId: $id) { state deletedAt }
        bindingByExtension(virtualNum: $x, extendNum: $e) { subscriptionId }
      }`,
      { id: created.subscriptionId, x: X1, e: created.extendNum },
    );
    expect(read.data).toMatchObject({ binding: { state: "DELETED" }, bindingByExtension: null });
    const again = await gw.gql<{ deleteBinding: Record<string, unknown> }>(DELETE, {
      input: { subscriptionId: created.subscriptionId },
    });
    expect(again.data?.deleteBinding).toMatchObject({ __typename: "NotFoundError", resultcode: "1012007" });
  });

  it("selectors and empty changes are validated before anything is sent", async () => {
    const none = await gw.gql<{ updateBinding: Record<string, unknown> }>(UPDATE, {
      input: { recordFlag: true },
    });
    expect(none.data?.updateBinding).toMatchObject({
      __typename: "ValidationError",
      fields: [{ field: "subscriptionId" }],
    });
    const half = await gw.gql<{ deleteBinding: Record<string, unknown> }>(DELETE, {
      input: { virtualNum: X1 },
    });
    expect(half.data?.deleteBinding).toMatchObject({
      __typename: "ValidationError",
      fields: [{ field: "extendNum" }],
    });
    const nothing = await gw.gql<{ updateBinding: Record<string, unknown> }>(UPDATE, {
      input: { subscriptionId: "whatever" },
    });
    expect(nothing.data?.updateBinding).toMatchObject({
      __typename: "ValidationError",
      fields: [{ field: "input" }],
    });
    const unknown = await gw.gql<{ updateBinding: Record<string, unknown> }>(UPDATE, {
      input: { subscriptionId: "no-such-binding", recordFlag: true },
    });
    expect(unknown.data?.updateBinding).toMatchObject({ __typename: "NotFoundError", resultcode: "1012007" });
  });

  it("refuses a GraphQL request body over 256 KiB with 413 before reading it", async () => {
    const response = await gw.gateway.yoga.fetch("http://gateway.test/graphql", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ __typename }${" ".repeat(300 * 1024)}` }),
    });
    expect(response.status).toBe(413);
  });

  it("bindings pages through every binding once, newest first, and refuses foreign cursors", async () => {
    const query = /* GraphQL */ `query($after: String) {
      bindings(first: 2, after: $after, filter: { states: [ACTIVE, EXPIRED, DELETED] }) {
        edges { cursor node { subscriptionId } }
        pageInfo { hasNextPage endCursor }
      }
    }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const result: { data?: BindingsPage } = await gw.gql<BindingsPage>(query, { after });
      seen.push(...result.data!.bindings.edges.map((e) => e.node.subscriptionId));
      if (!result.data!.bindings.pageInfo.hasNextPage) break;
      after = result.data!.bindings.pageInfo.endCursor;
    }
    const all = await gw.gateway.services.db
      .selectFrom("bindings")
      .select(["subscription_id", "id"])
      .orderBy("id", "desc")
      .execute();
    expect(seen).toEqual(all.map((row) => row.subscription_id));
    expect(seen.length).toBeGreaterThan(4);

    const foreign = await gw.gql(query, { after: Buffer.from("cs:1").toString("base64url") });
    expect(foreign.errors?.[0]?.message).toMatch(/not a binding cursor/);
    const garbage = await gw.gql(query, { after: "%%%" });
    expect(garbage.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("virtualNumbers from the start", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({ virtualNumbers: ["+8617100000009", "+8617000000001"] });
  });
  afterAll(async () => {
    await gw?.stop();
  });

  it("lists the configured X numbers and the embedded simulator's, with the simulator's status, before any use", async () => {
    const result = await gw.gql<{ virtualNumbers: { number: string; status: string | null }[] }>(
      "{ virtualNumbers { number status } }",
    );
    expect(result.data?.virtualNumbers).toEqual([
      { number: "+8617000000001", status: "NORMAL" },
      { number: "+8617000000002", status: "NORMAL" },
      { number: "+8617100000009", status: null },
    ]);
  });
});
