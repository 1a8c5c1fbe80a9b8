/** `npm run import`: see src/cli/transfer.ts. */
import { runTransfer } from "./transfer.js";

runTransfer("import", process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`import: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
