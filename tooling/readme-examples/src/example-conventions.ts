import type { CodeBlock } from "./extract-code-blocks.js";

/** Info-string languages of examples, with the extension each is written to. */
export const EXAMPLE_EXTENSIONS: Readonly<Record<string, ".ts" | ".js">> = {
  ts: ".ts",
  typescript: ".ts",
  js: ".js",
  javascript: ".js",
};

/** Info-string languages of shell blocks: never run, but checked for paths outside the repository. */
export const SHELL_LANGS: ReadonlySet<string> = new Set(["sh", "bash", "shell", "console"]);

/** `fragment`: not a module on its own (neither type-checked nor run). Say in the README why. */
export const FRAGMENT = "fragment";
/** `no-run`: type-checked but not run, e.g. a server that listens until it is stopped. */
export const NO_RUN = "no-run";

/** The flags an example's info string may carry. */
export const EXAMPLE_FLAGS: ReadonlySet<string> = new Set([FRAGMENT, NO_RUN]);

/** Whether a block is a TypeScript or JavaScript example. */
export function isExample(block: CodeBlock): boolean {
  return Object.hasOwn(EXAMPLE_EXTENSIONS, block.lang);
}

/** Whether an example is type-checked: every one but a `fragment`. */
export function isTypeChecked(block: CodeBlock): boolean {
  return isExample(block) && !block.flags.includes(FRAGMENT);
}

/** Whether an example is run: every type-checked one but a `no-run`. */
export function isRunnable(block: CodeBlock): boolean {
  return isTypeChecked(block) && !block.flags.includes(NO_RUN);
}

/** Where a block is, for messages: `packages/axe-api/README.md:34`. */
export function blockLocation(block: CodeBlock): string {
  return `${block.readme}:${block.line}`;
}
