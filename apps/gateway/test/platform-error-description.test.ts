// PlatformError.description: the platform's resultcode explained from the published result-code table, for
// real refusals of the embedded simulator and for answers a test platform makes up (an unknown code, the two
// meanings of 1010010, no answer at all).
import { describeResultCode } from "@privnum/notification-schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, type TestGateway } from "./support/gateway.js";

const X1 = "+8617000000001";

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateBindingInput!) {
    createBinding(input: $input) {
      __typename
      ... on PlatformError {
        resultcode resultdesc httpStatus category
        description { code known description zh category }
      }
    }
  }
`;

interface Answer {
  __typename: string;
  resultcode?: string | null;
  resultdesc?: string | null;
  httpStatus?: number | null;
  category?: string;
  description?: { code: string; known: boolean; description: string | null; zh: string | null } | null;
}

describe("PlatformError.description", () => {
  let gw: TestGateway;
  /** What the platform answers instead of the simulator while set: a response, or a failure to connect. */
  let canned: (() => Response) | undefined;

  beforeAll(async () => {
    gw = await startGateway(
      {},
      {
        platformClient: {
          retry: false,
          fetch: async (input, init) => (canned ? canned() : fetch(input, init)),
        },
      },
    );
  });
  afterAll(async () => {
    await gw?.stop();
  });

  async function create(input: Record<string, unknown>): Promise<Answer> {
    const result = await gw.gql<{ createBinding: Answer }>(CREATE, { input });
    expect(result.errors).toBeUndefined();
    return result.data!.createBinding;
  }

  async function createAnswered(response: () => Response): Promise<Answer> {
    canned = response;
    try {
      return await create({ bindNum: "+8613800000090", virtualNum: X1 });
    } finally {
      canned = undefined;
    }
  }

  it("describes a refusal of the simulator: an extension already taken on X (1020167)", async () => {
    expect((await create({ bindNum: "+8613800000031", virtualNum: X1, extendNum: "0700" })).__typename).toBe(
      "CreateBindingPayload",
    );
    const taken = await create({ bindNum: "+8613800000032", virtualNum: X1, extendNum: "0700" });
    expect(taken).toMatchObject({ __typename: "PlatformError", resultcode: "1020167" });
    expect(taken.description).toEqual({
      code: "1020167",
      known: true,
      description: "No idle extend Number.",
      zh: "无空闲分机号。",
      category: null,
    });
  });

  it("describes binding the same A twice on X, and binding on an X the app does not have", async () => {
    await create({ bindNum: "+8613800000033", virtualNum: X1 });
    const twice = await create({ bindNum: "+8613800000033", virtualNum: X1 });
    const unknownX = await create({ bindNum: "+8613800000034", virtualNum: "+8617000009999" });
    for (const refusal of [twice, unknownX]) {
      expect(refusal.__typename).toBe("PlatformError");
      const expected = describeResultCode(refusal.resultcode!);
      expect(expected.known).toBe(true);
      expect(refusal.description).toMatchObject({ code: refusal.resultcode, known: true });
      expect(refusal.description!.description).toBe(expected.known ? expected.description : undefined);
      expect(refusal.description!.zh).toBe(expected.known ? expected.zh : undefined);
      expect(refusal.description!.description).not.toBe(refusal.description!.zh);
    }
    expect(twice.resultcode).not.toBe(unknownX.resultcode);
  });

  it("says known: false, with neither text, for a code the table does not have", async () => {
    const answer = await createAnswered(() =>
      Response.json({ resultcode: "1099999", resultdesc: "Something new." }, { status: 400 }),
    );
    expect(answer).toMatchObject({
      __typename: "PlatformError",
      resultcode: "1099999",
      resultdesc: "Something new.",
    });
    expect(answer.description).toEqual({
      code: "1099999",
      known: false,
      description: null,
      zh: null,
      category: null,
    });
  });

  it("tells the two meanings of 1010010 apart by the HTTP status", async () => {
    const flowControl = await createAnswered(() =>
      Response.json(
        { resultcode: "1010010", resultdesc: "The flow control upper limit is reached on the platform." },
        { status: 403 },
      ),
    );
    expect(flowControl).toMatchObject({ resultcode: "1010010", httpStatus: 403, category: "FLOW_CONTROL" });
    expect(flowControl.description).toMatchObject({
      known: true,
      description: "The flow control upper limit is reached on the platform.",
      zh: "平台流控已达上限。",
    });
    const digest = await createAnswered(() =>
      Response.json({ resultcode: "1010010", resultdesc: "Invalid digest." }, { status: 401 }),
    );
    expect(digest).toMatchObject({ resultcode: "1010010", httpStatus: 401, category: "AUTHENTICATION" });
    expect(digest.description).toMatchObject({
      known: true,
      description: "Invalid digest.",
      zh: "摘要无效。",
    });
  });

  it("is null when the platform gave no resultcode (it could not be reached)", async () => {
    const answer = await createAnswered(() => {
      throw new TypeError("fetch failed");
    });
    expect(answer).toMatchObject({ __typename: "PlatformError", resultcode: null, category: "NETWORK" });
    expect(answer.description).toBeNull();
  });
});
