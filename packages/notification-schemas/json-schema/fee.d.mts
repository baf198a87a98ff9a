/** AXE fee (CDR) notification: the JSON Schema (draft 2020-12) of fee.json. */
declare const schema: {
  readonly $schema: "https://json-schema.org/draft/2020-12/schema";
  readonly title: string;
  readonly description: string;
  readonly [keyword: string]: unknown;
};
export default schema;
