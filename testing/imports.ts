/**
 * Reading a module's imports without running it, for the layout tests (tests/layout/): the
 * specifiers it imports and the source files of a folder.
 *
 * @module
 */
import { join } from "node:path";

const SOURCE = /\.(ts|mts|js|mjs)$/;

/** The specifiers a module imports: static imports and re-exports, side-effect and dynamic. */
export function importSpecifiers(text: string): string[] {
  const out: string[] = [];
  const statics =
    /^\s*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\{[^}]*\}|\*\s+as\s+[\w$]+|\*)?\s*from\s*["']([^"']+)["']/gm;
  for (const m of text.matchAll(statics)) out.push(m[1]!);
  for (const m of text.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push(m[1]!);
  for (const line of text.split("\n")) {
    const code = line.trim();
    if (code.startsWith("*") || code.startsWith("//")) continue;
    for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  }
  return out;
}

/** Repository paths of the source files under `dir` of `root` (recursively, results/ left out). */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(join(root, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory && entry.name !== "results") out.push(...sourceFiles(root, path));
    else if (entry.isFile && SOURCE.test(entry.name)) out.push(path);
  }
  return out;
}
