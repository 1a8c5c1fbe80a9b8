import { describe, expect, it } from "vitest";
import { isProse, parseMarkdown, parsePlain, parseRoff, unescapeRoff } from "../../bench/text-formats.js";

describe("parseRoff", () => {
  it("keeps headings and prose, drops requests, comments, examples and tables", () => {
    const page = [
      '.\\" a comment',
      '.TH LS "1" "September 2022" "GNU coreutils 9.1"',
      ".SH NAME",
      "ls \\- list directory contents",
      ".SH DESCRIPTION",
      ".PP",
      "List information about the FILEs (the current directory by default).",
      "Sort entries alphabetically if none of \\fB\\-cftuvSUX\\fR nor \\fB\\-\\-sort\\fR is specified.",
      ".nf",
      "code that should vanish",
      ".fi",
      ".TP",
      "\\fB\\-a\\fR, \\fB\\-\\-all\\fR",
      "do not ignore entries starting with .",
      ".TS",
      "tab(;); l l.",
      ".TE",
      '.SH "SEE ALSO"',
      ".BR dir (1),",
      ".BR vdir (1)",
    ].join("\n");
    const parsed = parseRoff(page);
    expect(parsed.title).toBe("ls(1)");
    expect(parsed.sections.map((s) => s.heading)).toEqual(["NAME", "DESCRIPTION", "SEE ALSO"]);
    expect(parsed.sections[1]?.paragraphs).toEqual([
      "List information about the FILEs (the current directory by default). Sort entries alphabetically if none of -cftuvSUX nor --sort is specified.",
      "-a, --all: do not ignore entries starting with .",
    ]);
    expect(parsed.sections[2]?.paragraphs).toEqual(["dir(1), vdir(1)."]);
    expect(JSON.stringify(parsed)).not.toMatch(/vanish|tab\(/);
  });

  it("handles a heading on the line after .SH and mdoc macros", () => {
    const parsed = parseRoff(
      [
        ".Dt SCP 1",
        ".Sh",
        "DESCRIPTION",
        ".Nm scp",
        "copies files between hosts.",
        ".Fl r",
        "recursively copies.",
      ].join("\n"),
    );
    expect(parsed.title).toBe("scp(1)");
    expect(parsed.sections).toEqual([
      { heading: "DESCRIPTION", paragraphs: ["scp copies files between hosts. -r recursively copies."] },
    ]);
  });

  it("turns escapes into the characters they print", () => {
    expect(unescapeRoff("a \\(em b \\(lqq\\(rq \\*(lqx\\*(rq c\\&d \\e e\\ f \\s-1small\\s0")).toBe(
      'a — b "q" "x" cd \\ e f small',
    );
  });
});

describe("parseMarkdown", () => {
  it("keeps headings and prose, drops code, tables, badges and link targets", () => {
    const md = [
      "# tool",
      "[![build](https://x/badge.svg)](https://x)",
      "A **small** tool for [parsing](https://example.com) `things` quickly.",
      "",
      "## Install",
      "```sh",
      "npm install tool",
      "```",
      "| a | b |",
      "|---|---|",
      "- first item",
      "- second item",
    ].join("\n");
    const parsed = parseMarkdown(md);
    expect(parsed.title).toBe("tool");
    expect(parsed.sections).toEqual([
      { heading: "tool", paragraphs: ["A small tool for parsing things quickly."] },
      { heading: "Install", paragraphs: ["first item. second item."] },
    ]);
  });
});

describe("parsePlain", () => {
  it("splits changelog entries into sections and drops sign-off lines", () => {
    const text = [
      "apt (2.6.1) unstable; urgency=medium",
      "",
      "  * Restore adduser dependency for bookworm.",
      "    This caused some regressions.",
      "  * Point gitlab-ci to bookworm",
      "",
      " -- Julian Andres Klode <jak@debian.org>  Thu, 25 May 2023 16:11:37 +0200",
    ].join("\n");
    expect(parsePlain(text).sections).toEqual([
      {
        heading: "apt 2.6.1",
        paragraphs: [
          "Restore adduser dependency for bookworm. This caused some regressions. Point gitlab-ci to bookworm.",
        ],
      },
    ]);
  });

  it("treats DEP-5 ' .' lines as paragraph breaks", () => {
    expect(parsePlain(" First paragraph here.\n .\n Second one.").sections[0]?.paragraphs).toEqual([
      "First paragraph here.",
      "Second one.",
    ]);
  });
});

describe("isProse", () => {
  it("accepts English sentences and rejects code, lists of names and translations", () => {
    expect(
      isProse(
        "The purpose of this License is to make a manual, textbook, or other functional and useful document free.",
      ),
    ).toBe(true);
    expect(isProse("Too short to count.")).toBe(false);
    expect(isProse("0x7f 0x80 0x81 0x82 0x83 0x84 0x85 0x86 0x87 0x88")).toBe(false);
    expect(isProse("foo_bar(baz); qux->x = 1; return y[2] + z[3] * w;")).toBe(false);
    expect(isProse("Дистрибутив содержит программы, которые можно свободно распространять и изменять вот так.")).toBe(
      false,
    );
  });
});
