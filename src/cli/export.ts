/** `npm run export`: see src/cli/transfer.ts. */
import { runTransfer } from "./transfer.js";

runTransfer("export", process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`export: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
