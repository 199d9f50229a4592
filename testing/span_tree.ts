/**
 * Prints received spans as trees, one per trace, children under their parent in start order:
 * how docs/operations.md shows a real trace, and how a failing tracing test shows what arrived.
 *
 * @module
 */
import type { ReceivedSpan } from "./otlp_receiver.ts";

/** Options of {@link formatSpanTree}. */
export interface TreeOptions {
  /** Attributes to show, in this order (default: all, sorted). */
  attributes?: readonly string[];
  /** Shown in place of a parent that was not received (the sender's span, usually). */
  remoteParent?: string;
}

function _ms(s: ReceivedSpan): string {
  return `${(Number(s.endNs - s.startNs) / 1e6).toFixed(1)} ms`;
}

function _line(s: ReceivedSpan, options: TreeOptions): string {
  const keys = options.attributes ?? Object.keys(s.attributes).sort();
  const attrs = keys.filter((k) => k in s.attributes)
    .map((k) => `${k}=${JSON.stringify(s.attributes[k])}`);
  const status = s.status.code === 2 ? ` ERROR(${JSON.stringify(s.status.message)})` : "";
  return `${s.name} [${s.scope}] ${_ms(s)}${status} span=${s.spanId}` +
    (attrs.length > 0 ? ` ${attrs.join(" ")}` : "");
}

/**
 * The spans as indented trees. A span whose parent was not received is a root, shown under
 * `remoteParent` when it has a parent at all.
 *
 * @example
 * ```ts
 * console.log(formatSpanTree(otlp.spans(), { remoteParent: "sender" }));
 * ```
 */
export function formatSpanTree(spans: readonly ReceivedSpan[], options: TreeOptions = {}): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, ReceivedSpan[]>();
  const roots: ReceivedSpan[] = [];
  const byStart = [...spans].sort((a, b) => (a.startNs < b.startNs ? -1 : 1));
  for (const s of byStart) {
    if (s.parentSpanId !== "" && ids.has(s.parentSpanId)) {
      const list = children.get(s.parentSpanId) ?? [];
      list.push(s);
      children.set(s.parentSpanId, list);
    } else roots.push(s);
  }
  const out: string[] = [];
  const walk = (s: ReceivedSpan, prefix: string, last: boolean, top: boolean) => {
    out.push(
      top
        ? `${prefix}${_line(s, options)}`
        : `${prefix}${last ? "└─ " : "├─ "}${_line(s, options)}`,
    );
    const kids = children.get(s.spanId) ?? [];
    const next = top ? prefix : prefix + (last ? "   " : "│  ");
    kids.forEach((k, i) => walk(k, next, i === kids.length - 1, false));
  };
  for (const r of roots) {
    out.push(`trace ${r.traceId}`);
    if (r.parentSpanId !== "") {
      out.push(`${options.remoteParent ?? "(remote parent)"} span=${r.parentSpanId}`);
      walk(r, "", true, false);
    } else walk(r, "", true, true);
  }
  return out.join("\n");
}
