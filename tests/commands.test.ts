/**
 * The command list as Discord will receive it: unique names, Discord's length rules, and admin gating declared on
 * every command that changes or reveals a server's data.
 */
import { PermissionFlagsBits } from "discord.js";
import { describe, expect, it } from "vitest";
import { commands } from "../commands/index.js";
import { isChatCommand, memberCommands } from "../src/bot/command.js";

const slash = commands.filter(isChatCommand);
const menus = commands.filter((c) => !isChatCommand(c));

type Option = { name: string; description: string; options?: Option[] };

function* optionsOf(options: readonly Option[] | undefined): Generator<Option> {
  for (const option of options ?? []) {
    yield option;
    yield* optionsOf(option.options);
  }
}

describe("the command list", () => {
  it("has unique names", () => {
    const names = commands.map((c) => c.data.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(slash.map((c) => [c.data.name, c] as const))("/%s fits Discord's name and description rules", (_, c) => {
    const check = (name: string, description: string) => {
      expect(name).toMatch(/^[-_\p{Ll}\p{N}]{1,32}$/u);
      expect(description.length).toBeGreaterThanOrEqual(1);
      expect(description.length).toBeLessThanOrEqual(100);
    };
    check(c.data.name, c.data.description);
    for (const option of optionsOf(c.data.options as Option[] | undefined)) check(option.name, option.description);
  });

  it("has message menu commands as Discord allows them: 1-32 characters, no description, no options", () => {
    expect(menus.map((c) => c.data.name)).toEqual(["Ask Verbatim"]);
    for (const c of menus) {
      expect(c.data.name.length).toBeGreaterThanOrEqual(1);
      expect(c.data.name.length).toBeLessThanOrEqual(32);
      expect(c.data.type).toBe(3);
      expect("description" in c.data).toBe(false);
      expect("options" in c.data).toBe(false);
      expect(c.requires).toBeUndefined();
    }
  });

  it("gates every command that manages a server behind Manage Server, on Discord's side and ours", () => {
    const managed = commands.filter((c) => c.requires === "manager").map((c) => c.data.name);
    expect(managed.sort()).toEqual(["corpus", "review", "settings", "stats"]);
    for (const c of commands.filter((c) => c.requires === "manager")) {
      expect(c.data.default_member_permissions).toBe(String(PermissionFlagsBits.ManageGuild));
    }
  });

  it("gates /operator behind OWNER_IDS and hides it from everyone by default", () => {
    const operator = commands.find((c) => c.data.name === "operator");
    expect(operator?.requires).toBe("operator");
    expect(operator?.data.default_member_permissions).toBe("0");
  });

  it("lists in /help exactly the commands every member can use", () => {
    const listed = memberCommands(commands).map((c) => c.name);
    expect(listed).toEqual(slash.filter((c) => c.requires === undefined).map((c) => c.data.name));
    expect(listed).toEqual(expect.arrayContaining(["ask", "search", "source", "help", "about"]));
    expect(listed).not.toContain("corpus");
    for (const c of memberCommands(commands))
      expect(c.description).toBe(slash.find((d) => d.data.name === c.name)?.data.description);
  });
});
