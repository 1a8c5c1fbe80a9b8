import pkg from "../../package.json" with { type: "json" };

/** The running version, from package.json. */
export const VERSION: string = pkg.version;
