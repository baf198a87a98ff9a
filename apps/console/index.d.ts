/** The directory of the built console (`dist/`, with `index.html`): what the gateway serves under `/console/`. */
export declare const consoleDir: string;
