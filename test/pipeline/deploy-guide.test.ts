// The deploy guide and the scheduled-refresh workflow are followed to the letter by people
// and by GitHub, so they must not drift from the code: every `audience` command they spell
// exists with the options they use, every npm script exists, the workflow is valid YAML
// whose shell steps parse, and the limits they quote are the ones configured.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { createProgram } from "../../pipeline/cli.js";

const guide = readFileSync("docs/deploy.md", "utf8");
const workflowText = readFileSync("docs/refresh-workflow.yml", "utf8");
const packageJson = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
const wranglerToml = readFileSync("wrangler.toml", "utf8");

interface Step {
  name: string;
  run?: string;
  uses?: string;
}
interface Workflow {
  name: string;
  on: { schedule: { cron: string }[]; workflow_dispatch: { inputs: Record<string, { type: string }> } };
  jobs: Record<string, { env: Record<string, string>; steps: Step[] }>;
}

/** Every `npx audience <command> ...` in a text, as [command, options used]. */
function audienceCommands(text: string): [string, string[]][] {
  return [...text.matchAll(/npx audience ([a-z]+)([^\n`|#]*)/g)].map((m) => [
    m[1],
    m[2].match(/--[a-z][a-z-]*/g) ?? [],
  ]);
}

function expectRealAudienceCommands(text: string): number {
  const program = createProgram();
  const found = audienceCommands(text);
  for (const [name, flags] of found) {
    const command = program.commands.find((c) => c.name() === name);
    expect(command, `audience ${name}`).toBeDefined();
    const known = command!.options.map((o) => o.long);
    for (const flag of flags) expect(known, `audience ${name} ${flag}`).toContain(flag);
    // A required option left out makes a copied command fail.
    for (const option of command!.options.filter((o) => o.mandatory))
      expect(flags, `audience ${name}`).toContain(option.long);
  }
  return found.length;
}

describe("docs/deploy.md", () => {
  it("uses only audience commands and options that exist", () => {
    expect(expectRealAudienceCommands(guide)).toBeGreaterThanOrEqual(9);
  });

  it("names only npm scripts that exist", () => {
    const scripts = [...guide.matchAll(/npm run ([a-z]+(?::[a-z]+)?)(?![:*\w])/g)].map((m) => m[1]);
    expect(scripts).toEqual(expect.arrayContaining(["deploy", "load:smoke", "load:load", "load:check"]));
    for (const s of scripts) expect(Object.keys(packageJson.scripts), `npm run ${s}`).toContain(s);
    expect(packageJson.scripts.deploy).toBe("wrangler deploy --env production");
  });

  it("links only to files that exist", () => {
    const links = [...guide.matchAll(/\]\(([a-z-]+\.(?:md|yml))\)/g)].map((m) => `docs/${m[1]}`);
    expect(links).toEqual(expect.arrayContaining(["docs/publishing.md", "docs/refresh-workflow.yml"]));
    for (const link of links) expect(existsSync(link), link).toBe(true);
  });

  it("quotes the production rate limit that wrangler.toml configures", () => {
    const production = wranglerToml.slice(wranglerToml.indexOf("[env.production]"));
    const limit = /\[\[env\.production\.ratelimits\]\][^[]*simple = \{ limit = (\d+), period = (\d+) \}/.exec(
      production,
    );
    expect(limit?.slice(1)).toEqual(["600", "60"]);
    expect(guide).toContain("600 requests a minute per API key");
  });
});

describe("docs/refresh-workflow.yml", () => {
  const doc = parseDocument(workflowText);
  const workflow = doc.toJS() as Workflow;
  const steps = workflow.jobs.refresh.steps;

  it("is valid YAML with a daily schedule and a manual dry-run trigger", () => {
    expect(doc.errors).toEqual([]);
    expect(workflow.on.schedule[0].cron.split(" ")).toHaveLength(5);
    expect(workflow.on.workflow_dispatch.inputs.dry_run.type).toBe("boolean");
  });

  it("has shell steps that bash parses", () => {
    const scripts = steps.filter((s) => s.run).map((s) => s.run!.replace(/\$\{\{[^}]*\}\}/g, "x"));
    expect(scripts.length).toBeGreaterThanOrEqual(6);
    for (const script of scripts) {
      const res = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
      expect(res.stderr, script).toBe("");
      expect(res.status).toBe(0);
    }
  });

  it("publishes to production with the real CLI, then smoke-tests what is live", () => {
    const runs = steps.map((s) => s.run ?? "").join("\n");
    expect(expectRealAudienceCommands(runs)).toBeGreaterThanOrEqual(3);
    expect(runs).toContain("npx audience run data --target cloudflare --env production");
    expect(runs).toContain("npm run load:smoke");
    const names = steps.map((s) => s.name);
    expect(names.indexOf("Smoke-test the live API")).toBeGreaterThan(
      names.indexOf("Wait until the edge serves the new version"),
    );
  });

  it("documents every secret and variable it reads, in its header and in the guide", () => {
    const used = [
      ...new Set([...workflowText.matchAll(/\$\{\{ (?:secrets|vars)\.([A-Z_]+) \}\}/g)].map((m) => m[1])),
    ];
    expect(used.sort()).toEqual([
      "AUDIENCE_API_KEY",
      "AUDIENCE_BASE_URL",
      "AUDIENCE_EXPORT_URL",
      "CLOUDFLARE_ACCOUNT_ID",
      "CLOUDFLARE_API_TOKEN",
    ]);
    const header = workflowText.slice(0, workflowText.indexOf("name:"));
    for (const name of used) {
      expect(header, name).toContain(name);
      expect(guide, name).toContain(name);
    }
  });
});
