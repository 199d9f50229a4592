/**
 * Every relative link in README.md and docs/*.md points to a file that exists, and a link to a
 * heading (`file.md#anchor`) to a heading that exists, so moving docs around cannot leave dead
 * links behind.
 */
import assert from "node:assert/strict";

const root = new URL("../../", import.meta.url);

/** The markdown files whose links are checked, relative to the repository root. */
function documents(): string[] {
  const docs = [...Deno.readDirSync(new URL("docs/", root))]
    .filter((e) => e.isFile && e.name.endsWith(".md"))
    .map((e) => `docs/${e.name}`)
    .sort();
  return ["README.md", ...docs];
}

/** Markdown text without fenced code blocks and inline code, where brackets are not links. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** Link targets of inline links `[text](target)`, titles dropped. */
function links(text: string): string[] {
  return [...prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/`/g, "").replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of text.replace(/^```[\s\S]*?^```/gm, "").matchAll(/^#{1,6} (.+)$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

const isRelative = (target: string) => !/^[a-z][a-z0-9+.-]*:/i.test(target);

Deno.test("every relative link in README.md and docs/*.md points to an existing file and heading", () => {
  const problems: string[] = [];
  for (const doc of documents()) {
    const base = new URL(doc, root);
    const text = Deno.readTextFileSync(base);
    for (const target of links(text).filter(isRelative)) {
      const [path = "", anchor] = target.split("#", 2);
      const file = path === "" ? base : new URL(decodeURI(path), base);
      let content: string | undefined;
      try {
        const stat = Deno.statSync(file);
        if (stat.isFile && file.pathname.endsWith(".md")) content = Deno.readTextFileSync(file);
      } catch {
        problems.push(`${doc}: ${target}: no such file`);
        continue;
      }
      if (anchor !== undefined && content !== undefined && !anchors(content).has(anchor)) {
        problems.push(`${doc}: ${target}: no such heading`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

Deno.test("the link check finds links and resolves GitHub heading anchors", () => {
  assert.deepEqual(links("see [a](docs/a.md#x) and `[b](no.md)` and [c](https://x.y)"), [
    "docs/a.md#x",
    "https://x.y",
  ]);
  assert.deepEqual(
    [...anchors("# S3 methods\n## `GET /ready`\n### list_buckets\n## Logs\n## Logs\n")],
    ["s3-methods", "get-ready", "list_buckets", "logs", "logs-1"],
  );
});
