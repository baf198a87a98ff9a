// Where the built console is, for the gateway that serves it (`vite build` writes it there).
import { fileURLToPath } from "node:url";

export const consoleDir = fileURLToPath(new URL("./dist/", import.meta.url));
