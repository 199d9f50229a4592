/**
 * The long soak profile: `deno task soak` runs {@link runSoak} (testing/soak.ts) for 30 minutes
 * after a 60 s warm-up (`--minutes N`, `--warmup-seconds N`, `--senders N`) and writes
 * tests/reliability/results/soak_long.json; it exits 1 on any reason testing/soak_verdict.ts
 * names: an error response, anything lost, duplicated or read back wrong, the connector crashed
 * (its exit status), or RSS grew faster than the leak bound over the second half of the run. The
 * CI profile is tests/reliability/soak_test.ts.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runSoak } from "../testing/soak.ts";
import { soakFailures } from "../testing/soak_verdict.ts";

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      minutes: { type: "string", default: "30" },
      "warmup-seconds": { type: "string", default: "60" },
      senders: { type: "string", default: "32" },
    },
  });
  const minutes = Number(values.minutes);
  const figures = await runSoak({
    seconds: minutes * 60,
    warmupSeconds: Number(values["warmup-seconds"]),
    senders: Number(values.senders),
    // deno-lint-ignore no-console
    progress: (line) => console.error(line),
  });
  const out = new URL("../tests/reliability/results/soak_long.json", import.meta.url);
  await Deno.mkdir(new URL(".", out), { recursive: true });
  await Deno.writeTextFile(
    out,
    JSON.stringify({ at: new Date().toISOString(), ...figures }, null, 2) + "\n",
  );
  // deno-lint-ignore no-console
  console.log(JSON.stringify(figures, null, 2));
  const failures = soakFailures(figures);
  // deno-lint-ignore no-console
  for (const f of failures) console.error(`soak failed: ${f}`);
  Deno.exit(failures.length === 0 ? 0 : 1);
}
