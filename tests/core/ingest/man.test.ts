import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDocument } from "../../../src/core/ingest/load.js";
import { renderFormatted, renderTroff, unescapeTroff } from "../../../src/core/ingest/man.js";
import type { CorpusDocument } from "../../../src/core/types.js";
import { REPO_ROOT } from "../../support/paths.js";

const page = (name: string): string => readFileSync(path.join(REPO_ROOT, "eval/corpora/manpages/docs", name), "utf8");
const items = (doc: CorpusDocument) =>
  doc.content.filter((s) => s.kind === "item").map((s) => doc.text.slice(s.start, s.end).replace(/\s+/gu, " "));

const MAN = `.TH GREET 1 "2024-01-01" "greet 1.0" "User Commands"
.de XX
.B never printed
..
.ds Pn greet
.SH NAME
greet \\- print a friendly greeting
.SH SYNOPSIS
.B greet
[\\fB\\-n\\fR \\fIname\\fR]
.SH DESCRIPTION
\\fB\\*(Pn\\fR prints a greeting to standard output,
wrapped over two lines of source.
.ie n \\{\\
Shown on a terminal.
.\\}
.el \\{\\
Never shown on a terminal.
.\\}
.SS Options
.TP
.BR \\-n ", " \\-\\-name =\\fIname\\fR
Greet \\fIname\\fR instead of the world.
.TP
.B \\-q
Print nothing.
.PP
.nf
greet -n Ann
.fi
`;

describe("man pages in troff (man macros)", () => {
  it("takes NAME as the title, sections as context, options as items and no-fill text as code", async () => {
    const doc = await loadDocument("greet.1", MAN);
    expect(doc.source.title).toBe("greet - print a friendly greeting");
    expect(doc.text).not.toContain("never printed");
    expect(doc.text).not.toContain("Never shown");
    const description = doc.content.find((s) => doc.text.slice(s.start, s.end).startsWith("greet prints"));
    expect(description && doc.text.slice(description.start, description.end)).toBe(
      "greet prints a greeting to standard output, wrapped over two lines of source. Shown on a terminal.",
    );
    expect(description?.section).toEqual(["DESCRIPTION"]);
    expect(items(doc)).toEqual(["-n, --name=name Greet name instead of the world.", "-q Print nothing."]);
    expect(
      doc.content.find((s) => s.kind === "code" && doc.text.slice(s.start, s.end) === "greet -n Ann")?.section,
    ).toEqual(["DESCRIPTION", "Options"]);
  });

  it("resolves escapes: fonts and motions vanish, glyphs and strings print", () => {
    expect(unescapeTroff("\\fBbold\\fR \\(em \\*(lqq\\*(rq \\h'-04'x\\-y \\(co \\[u00E9]", new Map())).toBe(
      "bold — “q” x-y © é",
    );
  });

  it("reads real pages: GNU help2man (sed), DocBook (git-commit) and asciidoctor with macro definitions (fstab)", async () => {
    const sed = await loadDocument("sed.1", page("sed.1"));
    expect(sed.source.title).toBe("sed - stream editor for filtering and transforming text");
    expect(items(sed)).toContain(
      "-i[SUFFIX], --in-place[=SUFFIX] edit files in place (makes backup if SUFFIX supplied)",
    );
    const commit = await loadDocument("git-commit.1", page("git-commit.1"));
    expect(items(commit).some((i) => i.startsWith("-a, --all Tell the command to automatically stage files"))).toBe(
      true,
    );
    const fstab = await loadDocument("fstab.5", page("fstab.5"));
    expect(fstab.words.total).toBeGreaterThan(700);
    expect(fstab.text).toContain("use the issue tracker at https://github.com/util-linux/util-linux/issues");
  });
});

describe("man pages in mdoc", () => {
  it("renders the macros inline and tagged lists as items", async () => {
    const mdoc = `.Dd January 1, 2024
.Dt GREET 1
.Os
.Sh NAME
.Nm greet
.Nd print a friendly greeting
.Sh DESCRIPTION
The
.Nm
utility prints a greeting; see
.Xr echo 1 .
.Bl -tag -width Ds
.It Fl n Ar name
Greet
.Ar name .
.It Fl q
Print nothing.
.El
.Bd -literal
greet -n Ann
.Ed
`;
    const doc = await loadDocument("greet.1", mdoc);
    expect(doc.source.title).toBe("greet - print a friendly greeting");
    // The NAME line is the title (shown with every quote), so it is not repeated as content.
    expect(doc.content.map((s) => doc.text.slice(s.start, s.end).replace(/\s+/gu, " "))).toEqual([
      "The greet utility prints a greeting; see echo(1).",
      "-n name Greet name.",
      "-q Print nothing.",
      "greet -n Ann",
    ]);
    const ssh = await loadDocument("ssh.1", page("ssh.1"));
    expect(items(ssh)).toContain("-4 Forces ssh to use IPv4 addresses only.");
    // `.Sm off` joins the lines it spans without spaces.
    expect(ssh.text).toContain("either [user@]hostname or a URI of the form ssh://[user@]hostname[:port].");
  });
});

describe("formatted man pages (what man prints)", () => {
  it("drops the running header and footer, rejoins hyphenated words and reads options as items", async () => {
    const formatted = [
      "GREET(1)                    User Commands                    GREET(1)",
      "",
      "NAME",
      "       greet - print a friendly greeting",
      "",
      "DESCRIPTION",
      "       greet prints a friendly greeting to standard output, for every",
      "       user who asks for one, with a configu-",
      "       rable name.",
      "",
      "       -n, --name=NAME",
      "              Greet NAME instead of the world.",
      "",
      "       -q     Print nothing.",
      "",
      "greet 1.0                        2024-01-01                  GREET(1)",
    ].join("\n");
    const rendered = renderFormatted(formatted);
    expect(rendered.page).toBe("greet(1)");
    expect(rendered.text).not.toContain("User Commands");
    expect(rendered.text).not.toContain("2024-01-01");
    const doc = await loadDocument("greet.1", formatted);
    expect(doc.source.title).toBe("greet - print a friendly greeting");
    expect(doc.text).toContain("with a configurable name.");
    expect(items(doc)).toEqual(["-n, --name=NAME Greet NAME instead of the world.", "-q Print nothing."]);
  });

  it("renders a troff page and a formatted page of it to the same items", () => {
    expect(renderTroff(MAN).text).toContain("• -q\n  Print nothing.");
  });
});
