import { isAbsolute, relative, resolve } from "node:path";

/** A word of a shell line that names a file or folder: absolute, or climbing with `..`. */
const PATH_WORD = /(?<![\w:/.])(\/[\w.-][^\s'"`;|&)]*|(?:\.\.\/)+[^\s'"`;|&)]*|\.\.(?=\s|$))/g;

/**
 * The paths a shell block names that lie outside the repository (README folder `readmeDir`, repository
 * `root`). URLs are not paths: `http://host/a` is skipped, and so is a word like `host:8788/simulator/calls`.
 */
export function pathsOutsideRepository(code: string, readmeDir: string, root: string): string[] {
  const outside: string[] = [];
  for (const line of code.split("\n")) {
    const text = line.replace(/#.*$/, ""); // comments are prose
    for (const [word] of text.matchAll(PATH_WORD)) {
      const target = isAbsolute(word) ? word : resolve(readmeDir, word);
      const fromRoot = relative(root, target);
      if (isAbsolute(word) || fromRoot.startsWith("..")) outside.push(word);
    }
  }
  return outside;
}
