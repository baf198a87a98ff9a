import { graphql, type ResultOf } from "../graphql.js";

/** Who the credential belongs to: asked at sign-in, and the role decides what the console offers. */
export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      actor
      credential
      expiresAt
      masksNumbers
    }
  }
`);

/** The signed-in caller. */
export type Viewer = ResultOf<typeof ViewerQuery>["viewer"];
