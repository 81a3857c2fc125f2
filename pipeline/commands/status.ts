import type { Command } from "commander";
import { requireLocalStore } from "../publish/local.js";
import { resolveTarget, type TargetOptions } from "../publish/open-target.js";
import { withRedaction } from "../publish/redact.js";
import { formatStatus, targetStatus } from "../publish/status.js";
import { addTargetOptions } from "./publish.js";

interface StatusOptions extends TargetOptions {
  json?: boolean;
}

export function registerStatus(program: Command): void {
  addTargetOptions(
    program
      .command("status")
      .description("What a target serves: live version, its age and key count, and the retained versions."),
  )
    .option("--json", "print the status as JSON")
    .action(async (opts: StatusOptions) => {
      const resolved = resolveTarget(opts);
      if (resolved.kind === "local") await requireLocalStore(opts.persistTo);
      await withRedaction(resolved.secret, async () => {
        const target = await resolved.open();
        try {
          const status = await targetStatus(target);
          process.stdout.write(
            opts.json ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`,
          );
        } finally {
          await target.close();
        }
      });
    });
}
