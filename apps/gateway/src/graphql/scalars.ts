import { GraphQLError, Kind } from "graphql";
import { builder } from "./builder.js";

function toDate(value: unknown): Date {
  const date = typeof value === "string" ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()) || !/^\d{4}-\d{2}-\d{2}T/.test(value as string)) {
    throw new GraphQLError("DateTime must be an ISO-8601 string such as 2026-06-01T10:00:00Z.");
  }
  return date;
}

builder.scalarType("DateTime", {
  description: "An instant, as an ISO-8601 string in UTC (e.g. `2026-06-01T10:00:00.000Z`).",
  serialize: (value) => (value instanceof Date ? value : new Date(value as string)).toISOString(),
  parseValue: toDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError("DateTime must be a string.");
    return toDate(ast.value);
  },
});

builder.scalarType("JSON", {
  description: "A JSON value, passed through as received (used for the platform's raw payloads).",
  serialize: (value) => value,
  parseValue: (value) => value,
});
