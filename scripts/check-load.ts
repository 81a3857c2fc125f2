// `npm run load:check`: what CI can prove about the k6 suite without k6. Type-checks
// load/ against @types/k6, then bundles every script as k6 would and checks it exports
// what k6 calls. Exit 0 when all pass, 1 otherwise, one line per problem.
import { spawnSync } from "node:child_process";
import { bundleK6Script, LOAD_SCRIPTS, REQUIRED_EXPORTS } from "./lib/k6-bundle.js";

async function main(): Promise<number> {
  let problems = 0;
  const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "load"], {
    encoding: "utf8",
  });
  if (tsc.status === 0) {
    process.stdout.write("load-check: load/ type-checks against @types/k6\n");
  } else {
    problems++;
    process.stdout.write(`${tsc.stdout}${tsc.stderr}load-check: load/ does not type-check (above)\n`);
  }
  for (const script of LOAD_SCRIPTS) {
    try {
      const bundle = await bundleK6Script(`load/${script}.ts`);
      const missing = REQUIRED_EXPORTS.filter((name) => !bundle.exports.includes(name));
      if (missing.length > 0) {
        problems++;
        process.stdout.write(`load-check: load/${script}.ts does not export ${missing.join(", ")}\n`);
      } else {
        process.stdout.write(
          `load-check: load/${script}.ts bundles (${(bundle.bytes / 1024).toFixed(1)} KiB), exports ${bundle.exports.join(", ")}\n`,
        );
      }
    } catch (err) {
      problems++;
      const first = err instanceof Error ? err.message.split("\n").slice(0, 3).join(" ") : String(err);
      process.stdout.write(`load-check: load/${script}.ts does not bundle: ${first}\n`);
    }
  }
  process.stdout.write(problems === 0 ? "load-check: ok\n" : `load-check: ${problems} problem(s)\n`);
  return problems === 0 ? 0 : 1;
}

process.exitCode = await main();
