import { builder } from "./builder.js";

/** A platform code with its description from `@privnum/notification-schemas`' tables. */
export interface CodeDescriptionShape {
  code: number | string;
  known: boolean;
  description?: string | undefined;
  zh?: string | undefined;
  category?: string | undefined;
}

/** The GraphQL `CodeDescription` type. */
export const CodeDescriptionObject = builder.objectRef<CodeDescriptionShape>("CodeDescription").implement({
  description: "A platform code and what it means (state codes, Q.850 causes, number statuses).",
  fields: (t) => ({
    code: t.string({ resolve: (c) => String(c.code) }),
    known: t.exposeBoolean("known", { description: "Whether the code is in the published table." }),
    description: t.exposeString("description", { nullable: true, description: "English description." }),
    zh: t.exposeString("zh", { nullable: true, description: "Huawei's Chinese term." }),
    category: t.exposeString("category", { nullable: true }),
  }),
});
