/**
 * Markdown helpers shared by the docs generators: `deno fmt` formatting and generated blocks
 * between `<!-- NAME:start -->` and `<!-- NAME:end -->` markers.
 */

/** Formats markdown exactly as `deno fmt` does, so `deno fmt --check` agrees. */
export async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext=md", "-"],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error("deno fmt failed on generated markdown");
  return new TextDecoder().decode(out.stdout);
}

/** The start and end markers of a generated block. */
export function markers(name: string): { start: string; end: string } {
  return { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
}

/** Whether `text` has the block's start marker. */
export function hasBlock(text: string, name: string): boolean {
  return text.includes(markers(name).start);
}

/** Replaces the content of one generated block; throws naming `file` when a marker is missing. */
export function replaceBlock(text: string, name: string, content: string, file: string): string {
  const { start, end } = markers(name);
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`${file} lacks ${start} ... ${end}`);
  return `${text.slice(0, a + start.length)}\n${content}\n${text.slice(b)}`;
}

/** Escapes text for a table cell. */
export const cell = (text: string): string => text.replaceAll("|", "\\|").replaceAll("\n", " ");

/** Inline code that survives backticks in the text. */
export const code = (text: string): string =>
  text.includes("`") ? `\`\` ${text} \`\`` : `\`${text}\``;

/**
 * Writes `next` to `path` when it differs; with `check`, reports the drift and exits 1 instead.
 * `fix` is the command that regenerates the file.
 */
export async function writeOrCheck(
  path: URL,
  current: string,
  next: string,
  options: { check: boolean; label: string; fix: string },
): Promise<void> {
  if (next === current) return;
  const say = (line: string) => Deno.stderr.writeSync(new TextEncoder().encode(`${line}\n`));
  if (options.check) {
    say(`${options.label} is out of date: run ${options.fix}`);
    Deno.exit(1);
  }
  await Deno.writeTextFile(path, next);
  say(`${options.label} updated`);
}
