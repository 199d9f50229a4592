/**
 * The set of running bindings: start, stop with drain, and reload (restart only the bindings
 * whose config changed).
 */
import { Binding, type BindingSpec } from "./binding/binding.ts";
import type { KindSet } from "./kinds/kind_set.ts";
import { logger } from "./log.ts";
import type { Metrics } from "./metrics.ts";

/** What the runtime needs from the process. */
export interface RuntimeDeps {
  /** The known kinds (the registry, or test kinds). */
  kinds: Pick<KindSet, "source" | "target">;
  metrics: Metrics;
  readFile(path: string): Promise<Uint8Array>;
  /** Called when every binding's source has given up. */
  onAllDead(): void;
}

/** The running bindings. */
export class Runtime {
  readonly #deps: RuntimeDeps;
  readonly #bindings = new Map<string, Binding>();
  readonly #dead = new Set<string>();
  readonly #log = logger("runtime");

  constructor(deps: RuntimeDeps) {
    this.#deps = deps;
  }

  /** The bindings, in config order. */
  bindings(): readonly Binding[] {
    return [...this.#bindings.values()];
  }

  async #startOne(spec: BindingSpec): Promise<void> {
    const source = this.#deps.kinds.source(spec.source.kind);
    const target = this.#deps.kinds.target(spec.target.kind);
    // Config validation already checked the kinds; this guards programming errors only.
    if (!source || !target) throw new Error(`Unknown kind in binding ${spec.name}`);
    const binding = new Binding(spec, { source, target }, {
      metrics: this.#deps.metrics,
      readFile: this.#deps.readFile,
      onDead: (name) => {
        this.#dead.add(name);
        if (this.#bindings.size > 0 && [...this.#bindings.keys()].every((n) => this.#dead.has(n))) {
          this.#log.error("Every binding has given up; exiting");
          this.#deps.onAllDead();
        }
      },
    });
    this.#bindings.set(spec.name, binding);
    this.#dead.delete(spec.name);
    await binding.start();
  }

  /** Starts every binding. */
  async start(specs: readonly BindingSpec[]): Promise<void> {
    for (const spec of specs) await this.#startOne(spec);
  }

  /** Stops every binding, draining in-flight queries for up to `drainMs`. */
  async stop(drainMs: number): Promise<void> {
    const all = [...this.#bindings.values()];
    this.#bindings.clear();
    await Promise.allSettled(all.map((b) => b.stop(drainMs)));
  }

  /**
   * Applies a new, already validated config: bindings whose spec changed or that were removed
   * are stopped (drained), new and changed ones started, unchanged ones keep serving.
   */
  async reload(specs: readonly BindingSpec[], drainMs: number): Promise<{
    started: string[];
    stopped: string[];
    unchanged: string[];
  }> {
    const next = new Map(specs.map((s) => [s.name, s]));
    const stopped: string[] = [];
    const unchanged: string[] = [];
    for (const [name, binding] of [...this.#bindings]) {
      const spec = next.get(name);
      if (spec && JSON.stringify(spec) === JSON.stringify(binding.spec)) {
        unchanged.push(name);
        continue;
      }
      this.#bindings.delete(name);
      stopped.push(name);
      await binding.stop(drainMs);
    }
    const started: string[] = [];
    for (const spec of specs) {
      if (this.#bindings.has(spec.name)) continue;
      await this.#startOne(spec);
      started.push(spec.name);
    }
    // Keep config order for /bindings.
    const ordered = specs.map((s) => [s.name, this.#bindings.get(s.name)!] as const);
    this.#bindings.clear();
    for (const [n, b] of ordered) this.#bindings.set(n, b);
    return { started, stopped, unchanged };
  }
}
