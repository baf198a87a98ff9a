import { fromMarkdown } from "mdast-util-from-markdown";

/** A fenced code block of a README. */
export interface CodeBlock {
  /** The README's path, relative to the repository root. */
  readonly readme: string;
  /** The README line of the opening fence (1-based); the code starts on the next line. */
  readonly line: number;
  /** The info string's first word, lower-cased (`ts`, `sh` …); `""` when there is none. */
  readonly lang: string;
  /** The info string's further words (`fragment`, `no-run`). */
  readonly flags: readonly string[];
  /** The block's text. */
  readonly code: string;
}

type MarkdownNode = ReturnType<typeof fromMarkdown> | ReturnType<typeof fromMarkdown>["children"][number];

/** Every fenced code block of a README's text, in document order, with its position and info string. */
export function extractCodeBlocks(readme: string, markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const visit = (node: MarkdownNode) => {
    if (node.type === "code") {
      blocks.push({
        readme,
        line: node.position?.start.line ?? 0,
        lang: (node.lang ?? "").toLowerCase(),
        flags: (node.meta ?? "").split(/\s+/).filter((flag) => flag !== ""),
        code: node.value,
      });
    } else if ("children" in node) {
      for (const child of node.children) visit(child);
    }
  };
  // Markdown parsing is a library's job: fences inside lists, `~~~` fences and longer backtick runs all count.
  visit(fromMarkdown(markdown));
  return blocks;
}
