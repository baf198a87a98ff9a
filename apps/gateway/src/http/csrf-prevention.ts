import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

// The content types a page on any site can POST without a CORS preflight (an HTML form, or fetch in
// `no-cors` mode), and so without the gateway's consent.
const SIMPLE_CONTENT_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"];

/**
 * Refuses, before anything is parsed, a GraphQL POST whose body a page on another site could have sent:
 * one without a content type or with a form's (415). GraphQL over HTTP is JSON here; the gateway takes no
 * uploads. Mutations over GET are refused by Yoga itself (405), and every operation needs an
 * `Authorization` header, which no cross-site page can add without a preflight: together, no cross-site
 * request runs an operation. This is the rule of Yoga's and Apollo's CSRF prevention for simple requests,
 * without their extra header: the required `Authorization` header already forces the preflight.
 */
export function useCsrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== "POST") return;
      const contentType = request.headers.get("content-type")?.toLowerCase().trim() ?? "";
      if (contentType !== "" && !SIMPLE_CONTENT_TYPES.some((simple) => contentType.startsWith(simple)))
        return;
      throw new GraphQLError(
        "POST a GraphQL request as `content-type: application/json`. Form posts (urlencoded, multipart, " +
          "text/plain) and bodies without a content type are refused: a page on another site can send them.",
        { extensions: { code: "UNSUPPORTED_MEDIA_TYPE", http: { status: 415 } } },
      );
    },
  };
}
