import { readdirSync, readFileSync } from "node:fs";
import { expect } from "vitest";
import {
  type CallEventNotification,
  type FeeRecord,
  type Notification,
  type ParseIssue,
  type ParseOptions,
  type ParseResult,
  parseNotification,
} from "../src/index.js";

const FIXTURES = new URL("./fixtures/", import.meta.url);

/** The text of a fixture, e.g. `callee/01-callin.json`. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES), "utf8");
}

/** A fixture as a plain object (a fresh copy on every call). */
export function fixtureBody(name: string): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}

/** Every fixture file, as paths relative to the fixture folder. */
export function allFixtures(): string[] {
  const out: string[] = [];
  for (const folder of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    for (const file of readdirSync(new URL(`${folder.name}/`, FIXTURES))) {
      if (file.endsWith(".json")) out.push(`${folder.name}/${file}`);
    }
  }
  return out.sort();
}

/** The fixture files of one folder (one call session), in file order. */
export function sessionFiles(folder: string): string[] {
  return readdirSync(new URL(`${folder}/`, FIXTURES))
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => `${folder}/${file}`);
}

/** Asserts a successful parse and returns the notification. */
export function expectOk<T>(result: ParseResult<T>): T {
  if (!result.ok) expect.fail(`expected a successful parse, got ${JSON.stringify(result.issues, null, 2)}`);
  return result.notification;
}

/** Asserts a failed parse and returns its issues. */
export function expectIssues<T>(result: ParseResult<T>): readonly ParseIssue[] {
  if (result.ok) expect.fail(`expected issues, got ${JSON.stringify(result.notification)}`);
  return result.issues;
}

/** Parses a fixture, expecting success. */
export function parseFixture(name: string, options?: ParseOptions): Notification {
  return expectOk(parseNotification(fixtureText(name), options));
}

/** The events and CDRs of one session folder, parsed. */
export function loadSession(folder: string): { events: CallEventNotification[]; records: FeeRecord[] } {
  const events: CallEventNotification[] = [];
  const records: FeeRecord[] = [];
  for (const file of sessionFiles(folder)) {
    const notification = parseFixture(file);
    if (notification.kind === "callEvent") events.push(notification);
    else if (notification.kind === "fee") records.push(...notification.feeLst);
    else expect.fail(`${file} is neither a call event nor a fee push`);
  }
  return { events, records };
}
