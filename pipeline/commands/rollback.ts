import type { Command } from "commander";
import { requireLocalStore } from "../publish/local.js";
import { resolveTarget, type TargetOptions } from "../publish/open-target.js";
import { withRedaction } from "../publish/redact.js";
import { rollback } from "../publish/rollback.js";
import { addTargetOptions } from "./publish.js";

interface RollbackOptions extends TargetOptions {
  to?: string;
}

export function registerRollback(program: Command): void {
  addTargetOptions(
    program
      .command("rollback")
      .description(
        "Point meta/current back at a retained version (default: the newest one older than the live one), after checking it is complete.",
      ),
  )
    .option("--to <version>", "the version to switch to")
    .action(async (opts: RollbackOptions) => {
      const resolved = resolveTarget(opts);
      if (resolved.kind === "local") await requireLocalStore(opts.persistTo);
      await withRedaction(resolved.secret, async () => {
        const target = await resolved.open();
        try {
          const r = await rollback(target, opts.to);
          process.stderr.write(`rolled back ${target.name}: ${r.from ?? "nothing"} → ${r.to}\n`);
          process.stdout.write(`${r.to}\n`);
        } finally {
          await target.close();
        }
      });
    });
}
