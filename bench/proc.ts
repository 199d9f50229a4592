/**
 * Reads a process's CPU time and resident memory from Linux /proc. The connector runs its work
 * in a Worker inside the same process, so the process figures cover all of it.
 */

/** Kernel clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SEC = 100;
const KiB = 1024;

/** User plus system CPU time of the process so far, in milliseconds. */
export function cpuTimeMs(pid: number): number {
  return parseCpuTimeMs(Deno.readTextFileSync(`/proc/${pid}/stat`));
}

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in milliseconds. */
export function parseCpuTimeMs(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count from after it.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // rest[0] is field 3 (state), so field n is rest[n - 3].
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`unreadable /proc stat line: ${stat.slice(0, 80)}`);
  }
  return ((utime + stime) * 1000) / CLOCK_TICKS_PER_SEC;
}

/** Resident memory now (VmRSS) and its high-water mark (VmHWM), in bytes. */
export interface Memory {
  rss: number;
  hwm: number;
}

/** VmRSS and VmHWM of the process. */
export function memory(pid: number): Memory {
  return parseStatusMemory(Deno.readTextFileSync(`/proc/${pid}/status`));
}

/** VmRSS and VmHWM of a /proc/<pid>/status text, in bytes. */
export function parseStatusMemory(status: string): Memory {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB$`, "m").exec(status);
    if (!m) throw new Error(`no ${name} in /proc status`);
    return Number(m[1]) * KiB;
  };
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/** Resets the process's VmHWM to its current RSS (Linux 4.0+: "5" > clear_refs). */
export function resetPeak(pid: number): void {
  Deno.writeTextFileSync(`/proc/${pid}/clear_refs`, "5");
}

/** Samples VmRSS every `intervalMs` until stopped; returns the largest sample. */
export function sampleRss(
  pid: number,
  intervalMs = 20,
): { stop(): number; timeline: [number, number][] } {
  let max = 0;
  const t0 = performance.now();
  const timeline: [number, number][] = [];
  const take = () => {
    try {
      const rss = memory(pid).rss;
      max = Math.max(max, rss);
      timeline.push([performance.now() - t0, rss]);
    } catch { /* the process ended */ }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    timeline,
    stop() {
      clearInterval(timer);
      take();
      return max;
    },
  };
}
