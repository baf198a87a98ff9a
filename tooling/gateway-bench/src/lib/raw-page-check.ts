// Before P6 measures its floor (raw-pages.ts): the floor must answer a page exactly as the gateway does, or its
// capacity would be that of another page.

/** POST a GraphQL request and return its answer's JSON; throws on any status but 200 and on `errors`. */
async function page(url: string, body: string, authorization: string | undefined): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      ...(authorization ? { authorization } : {}),
    },
    body,
  });
  const text = await response.text();
  if (response.status !== 200 || text.includes('"errors"')) {
    throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  }
  return JSON.parse(text);
}

/**
 * Ask the gateway (with `authorization`) and the floor for the page of `query` after `cursor`; throw, saying
 * where they first differ, unless both answer the same JSON value.
 */
export async function checkRawPageMatches(
  gateway: { graphqlUrl: string; authorization: string },
  floorGraphqlUrl: string,
  query: string,
  cursor: string,
): Promise<void> {
  const body = JSON.stringify({ query, variables: { after: cursor } });
  const expected = JSON.stringify(await page(gateway.graphqlUrl, body, gateway.authorization));
  const actual = JSON.stringify(await page(floorGraphqlUrl, body, undefined));
  if (actual === expected) return;
  let at = 0;
  while (at < expected.length && expected[at] === actual[at]) at++;
  throw new Error(
    `the raw page server answers another page than the gateway from ${at}: ` +
      `${actual.slice(at, at + 80)} against ${expected.slice(at, at + 80)}`,
  );
}
