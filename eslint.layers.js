// @ts-check
/**
 * Which way imports may point (tests/layers.test.ts states and checks these rules). Layers, top to bottom:
 *   entry points (src/cli, src/app.ts, bench, scripts) → commands/ → src/bot/ → src/discord/ (presentation) → src/core/
 * and inside the core, rooms in this order, each importing only rooms after it:
 *   postgres → eval → guilds → library → answer → search → ingest → storage, all over types.ts and sources.ts.
 * Outside the core, only its public entry (src/core/index.ts) is imported.
 */

/** The core's rooms, highest first. */
export const CORE_ROOMS = ["postgres", "eval", "guilds", "library", "answer", "search", "ingest", "storage"];

const DISCORD_FREE = {
  paths: [
    { name: "discord.js", message: "The core never imports Discord (STYLE.md §1)." },
    { name: "discord-api-types", message: "The core never imports Discord (STYLE.md §1)." },
  ],
};
const DISCORD_PATTERNS = [
  {
    group: ["discord.js/*", "discord-api-types/*", "@discordjs/*"],
    message: "The core never imports Discord (STYLE.md §1).",
  },
];

/** @param {string[]} group @param {string} message */
const forbid = (group, message) => ({ group, message });

const coreInternals = forbid(
  ["**/core/*/**", "!**/core/index.js"],
  "Import the core through its public entry, src/core/index.ts.",
);

/** @type {import("eslint").Linter.Config[]} */
export const layerRules = [
  {
    files: ["src/discord/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            forbid(
              ["**/bot/**", "**/commands/**", "**/cli/**", "**/app.js"],
              "The presentation layer (src/discord) never imports the bot, commands or entry points.",
            ),
            coreInternals,
          ],
        },
      ],
    },
  },
  {
    files: ["src/bot/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            forbid(
              ["**/commands/**", "**/cli/**", "**/app.js"],
              "The bot layer never imports commands or entry points: the command list is passed in.",
            ),
            coreInternals,
          ],
        },
      ],
    },
  },
  {
    files: ["commands/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [forbid(["**/cli/**", "**/app.js"], "Commands never import entry points."), coreInternals] },
      ],
    },
  },
  {
    files: ["src/cli/**/*.ts", "src/app.ts", "bench/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [coreInternals] }] },
  },
  {
    // The core's top-level files (types, sources, the public entry) are shared by every room.
    files: ["src/core/*.ts"],
    ignores: ["src/core/index.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          ...DISCORD_FREE,
          patterns: [
            ...DISCORD_PATTERNS,
            forbid(["../**", "./*/**"], "types.ts and sources.ts import no room and nothing outside the core."),
          ],
        },
      ],
    },
  },
  ...CORE_ROOMS.map((room, index) => ({
    files: [`src/core/${room}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          ...DISCORD_FREE,
          patterns: [
            ...DISCORD_PATTERNS,
            forbid(["../../**"], "The core never imports the bot, the presentation layer, commands or entry points."),
            forbid(["../index.js"], "Rooms import each other directly; src/core/index.ts is for the layers above."),
            ...(index > 0
              ? [
                  forbid(
                    CORE_ROOMS.slice(0, index).map((higher) => `../${higher}/**`),
                    `The ${room} room imports only rooms below it: ${CORE_ROOMS.slice(index + 1).join(", ") || "none"}.`,
                  ),
                ]
              : []),
          ],
        },
      ],
    },
  })),
];
