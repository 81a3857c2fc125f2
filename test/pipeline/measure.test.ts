// `audience measure`: conversions of the targeted and holdout groups in a later log, the
// contract's uplift, lift and interval (expected figures worked out by hand below), the
// row accounting, and the one-line errors.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { holdoutFraction, sha256First32 } from "../../worker/holdout.js";
import { runCli } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const CAMPAIGN = [
  "customer_id,score,rank,product_id,holdout",
  "t1,0.9,1,p1,false",
  "t2,0.8,2,p1,false",
  "h1,0.7,3,p2,true",
  "t3,0.6,4,p2,false",
  "t4,0.5,5,p2,false",
  "h2,0.4,6,p1,true",
].join("\n");

const LOG = [
  "customer_id,product_id,event,event_date",
  "t1,p1,purchased,2026-06-02 10:00:00",
  "t1,p1,purchased,2026-06-02 10:00:00", // duplicate: rejected by the ingest, never counted twice
  "t1,p2,purchased,2026-06-03 10:00:00", // t1 again: a customer converts once
  "t2,p1,cart,2026-06-04 10:00:00", // converts only with --event any
  "t3,p3,purchased,2026-06-05 10:00:00", // not a campaign product
  "t4,p2,purchased,2026-07-15 10:00:00", // outside --until 2026-06-30
  "h1,p2,purchased,2026-06-06 10:00:00",
  "x9,p1,purchased,2026-06-07 10:00:00", // not a campaign customer
  "h2,p1,purchased,not a date", // invalid_date
].join("\n");

function files(campaign = CAMPAIGN, log = LOG) {
  const dir = tempDir("pa-measure-");
  const campaignPath = join(dir, "campaign.csv");
  const logPath = join(dir, "later.csv");
  writeFileSync(campaignPath, campaign);
  writeFileSync(logPath, log);
  return { dir, campaignPath, logPath, out: join(dir, "out") };
}

interface Measure {
  campaign_customers: number;
  targeted: { customers: number; converted: number; rate: number | null };
  holdout: { customers: number; converted: number; rate: number | null };
  lift: number | null;
  uplift: number | null;
  ci95: [number, number] | null;
  significant: boolean;
  window: { since: string; until: string };
  ingest: { rows_read: number; rows_kept: number; rejected: Record<string, number> };
}

/** `audience measure` on the files f, writing into f.out. */
function runMeasure(f: ReturnType<typeof files>, ...extra: string[]) {
  return runCli(
    "measure",
    "--campaign",
    f.campaignPath,
    "--log",
    f.logPath,
    "--out",
    f.out,
    "--quiet",
    ...extra,
  );
}

async function measure(...extra: string[]): Promise<{ result: Measure; stdout: string }> {
  const f = files();
  const r = await runMeasure(f, ...extra);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return { result: JSON.parse(readFileSync(join(f.out, "measure.json"), "utf8")), stdout: r.stdout };
}

describe("audience measure", () => {
  it("counts purchases of campaign products by campaign customers, each customer once", async () => {
    const { result, stdout } = await measure();
    // targeted t1..t4: t1 (p1) and t4 (p2) purchased → 2/4; holdout h1, h2: h1 → 1/2.
    // uplift 0.5 − 0.5 = 0; lift 0.5/0.5 − 1 = 0;
    // ci95 = 0 ± 1.96·sqrt(0.25/4 + 0.25/2) = ±1.96·0.4330127 = ±0.8487049.
    expect(result.campaign_customers).toBe(6);
    expect(result.targeted).toEqual({ customers: 4, converted: 2, rate: 0.5 });
    expect(result.holdout).toEqual({ customers: 2, converted: 1, rate: 0.5 });
    expect(result.uplift).toBe(0);
    expect(result.lift).toBe(0);
    expect(result.ci95?.[0]).toBeCloseTo(-0.8487049, 6);
    expect(result.ci95?.[1]).toBeCloseTo(0.8487049, 6);
    expect(result.significant).toBe(false);
    expect(result.window).toEqual({ since: "2026-06-02T10:00:00.000Z", until: "2026-07-15T10:00:00.000Z" });
    // 9 rows: 7 kept, 1 duplicate, 1 invalid date.
    expect(result.ingest.rows_read).toBe(9);
    expect(result.ingest.rows_kept).toBe(7);
    expect(result.ingest.rejected.duplicate).toBe(1);
    expect(result.ingest.rejected.invalid_date).toBe(1);
    expect(Object.keys(result)).toEqual([
      "campaign_customers",
      "targeted",
      "holdout",
      "lift",
      "uplift",
      "ci95",
      "significant",
      "window",
      "ingest",
    ]);
    expect(stdout).toContain("targeted: 2 of 4 converted (50.00%)");
    expect(stdout).toContain("not significant");
    // MDE: pooled p = 3/6 = 0.5; (1.96 + 0.8416)·sqrt(0.25·(1/4 + 1/2)) = 2.8016·0.4330 = 1.2131 → 121.31 points.
    expect(stdout).toContain("only an uplift of about 121.31 points or more would likely show");
  });

  it("counts any known event with --event any", async () => {
    const { result } = await measure("--event", "any");
    // targeted: t1, t2 (cart), t4 → 3/4; holdout h1 → 1/2. uplift 0.25, lift 0.75/0.5 − 1 = 0.5;
    // se = sqrt(0.75·0.25/4 + 0.25/2) = sqrt(0.171875) = 0.4145781; ci95 = 0.25 ± 0.8125731.
    expect(result.targeted.converted).toBe(3);
    expect(result.uplift).toBeCloseTo(0.25, 12);
    expect(result.lift).toBeCloseTo(0.5, 12);
    expect(result.ci95?.[0]).toBeCloseTo(-0.5625731, 6);
    expect(result.ci95?.[1]).toBeCloseTo(1.0625731, 6);
  });

  it("counts only inside --since/--until, and only the --products given", async () => {
    const windowed = await measure("--until", "2026-06-30");
    // t4's purchase (July) is outside: targeted 1/4, holdout 1/2 → uplift −0.25, lift −0.5.
    expect(windowed.result.targeted.converted).toBe(1);
    expect(windowed.result.uplift).toBeCloseTo(-0.25, 12);
    expect(windowed.result.lift).toBeCloseTo(-0.5, 12);
    expect(windowed.result.window).toEqual({
      since: "2026-06-02T10:00:00.000Z",
      until: "2026-06-30T00:00:00.000Z",
    });
    const late = await measure("--since", "2026-06-06T00:00:00Z");
    expect(late.result.targeted.converted).toBe(1); // t4 only
    expect(late.result.holdout.converted).toBe(1); // h1 on 06-06
    const p3 = await measure("--products", "p3");
    expect(p3.result.targeted.converted).toBe(1); // t3
    expect(p3.result.holdout.converted).toBe(0);
    expect(p3.result.lift).toBeNull(); // r_h = 0
  });

  it("finds a real effect significant and says so", async () => {
    // 100 targeted of whom 50 buy, 100 held out of whom 10 buy: uplift 0.4, lift 4,
    // se = sqrt(0.25/100 + 0.09/100) = 0.0583095, ci95 = 0.4 ± 0.1142867.
    const campaign = ["customer_id,score,rank,product_id,holdout"];
    const log = ["customer_id,product_id,event,event_date"];
    for (let i = 0; i < 100; i++) {
      campaign.push(`t${i},0.5,${i + 1},p1,false`, `h${i},0.5,${i + 101},p1,true`);
      if (i < 50) log.push(`t${i},p1,purchased,2026-06-01T00:00:${String(i % 60).padStart(2, "0")}Z`);
      if (i < 10) log.push(`h${i},p1,purchased,2026-06-01T00:01:00Z`);
    }
    const f = files(campaign.join("\n"), log.join("\n"));
    const r = await runMeasure(f);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(f.out, "measure.json"), "utf8")) as Measure;
    expect(result.uplift).toBeCloseTo(0.4, 12);
    expect(result.lift).toBeCloseTo(4, 12);
    expect(result.ci95?.[0]).toBeCloseTo(0.2857133, 6);
    expect(result.ci95?.[1]).toBeCloseTo(0.5142867, 6);
    expect(result.significant).toBe(true);
    expect(r.stdout).toContain("significant: targeted customers converted more than held-out ones");
  });

  it("says when there is no holdout group to compare with", async () => {
    const f = files("customer_id,score,rank,product_id,holdout\nt1,0.9,1,p1,false\n");
    const r = await runMeasure(f);
    expect(r.code).toBe(0);
    const result = JSON.parse(readFileSync(join(f.out, "measure.json"), "utf8")) as Measure;
    expect(result.holdout).toEqual({ customers: 0, converted: 0, rate: null });
    expect(result.uplift).toBeNull();
    expect(r.stdout).toContain("no holdout group");
  });

  it.each([
    [
      "a missing campaign file",
      (f: ReturnType<typeof files>) => ["--campaign", join(f.dir, "nope.csv"), "--log", f.logPath],
      "cannot read the campaign file",
    ],
    [
      "a missing log",
      (f: ReturnType<typeof files>) => ["--campaign", f.campaignPath, "--log", join(f.dir, "nope.csv")],
      "",
    ],
    [
      "a bad --since",
      (f: ReturnType<typeof files>) => ["--campaign", f.campaignPath, "--log", f.logPath, "--since", "June"],
      "--since must be",
    ],
    [
      "a bad --products",
      (f: ReturnType<typeof files>) => [
        "--campaign",
        f.campaignPath,
        "--log",
        f.logPath,
        "--products",
        "a b",
      ],
      "--products",
    ],
  ])("exits 2 with one line on %s", async (_name, args, message) => {
    const f = files();
    const r = await runCli("measure", ...args(f), "--out", f.out, "--quiet");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain("    at ");
  });

  it("exits 2 on a bad --event, with commander's usage hint", async () => {
    const f = files();
    const r = await runCli("measure", "--campaign", f.campaignPath, "--log", f.logPath, "--event", "click");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--event");
  });

  it.each([
    ["no holdout column", "customer_id,score\nt1,0.9\n", "no holdout column"],
    ["a bad holdout flag", "customer_id,holdout\nt1,maybe\n", "line 2: holdout must be true or false"],
    ["a bad customer id", "customer_id,holdout\nt 1,true\n", 'line 2: customer_id "t 1"'],
    [
      "a customer with both flags",
      "customer_id,product_id,holdout\nt1,p1,true\nt1,p1,false\n",
      "line 3: customer t1",
    ],
    ["no customers", "customer_id,product_id,holdout\n", "holds no customers"],
    [
      "no products (a fallback audience) and no --products",
      "customer_id,product_id,holdout\nt1,,false\n",
      "--products",
    ],
  ])("exits 2 on a campaign file with %s", async (_name, campaign, message) => {
    const f = files(campaign);
    const r = await runMeasure(f);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it("exits 2 on a log with no usable row", async () => {
    const f = files(CAMPAIGN, "customer_id,product_id,event,event_date\nt1,p1,purchased,never\n");
    const r = await runMeasure(f);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no usable rows (1 read");
  });
});

describe("the holdout hash", () => {
  const expected = (campaign: string, id: string) =>
    Number.parseInt(createHash("sha256").update(`${campaign}:${id}`).digest("hex").slice(0, 8), 16) / 2 ** 32;

  it("is the contract's: first 32 bits of sha256(campaign:customer) over 2^32, as node:crypto computes it", async () => {
    for (const [campaign, id] of [
      ["spring", "1"],
      ["spring", "10"],
      ["0b30699ed30947c9", "C-77.x"],
      ["a", "b"],
    ]) {
      expect(holdoutFraction(campaign, id)).toBe(expected(campaign, id));
    }
  });

  it("hashes every length right, one to three blocks (a 64-character campaign and id make 129 bytes)", () => {
    const chars = "abcXYZ019._-:";
    for (let len = 0; len <= 140; len++) {
      const text = Array.from({ length: len }, (_, i) => chars[(i * 7 + len) % chars.length]).join("");
      const expected = Number.parseInt(createHash("sha256").update(text).digest("hex").slice(0, 8), 16);
      expect(sha256First32(text), `length ${len}`).toBe(expected);
    }
    expect(() => sha256First32("café")).toThrow(RangeError);
  });

  // At 10% of campaign "spring": customers 3 (h 0.0504) and 4 (h 0.0922) are held out.
  const served =
    "customer_id,product_id,holdout\n1,50,false\n2,50,false\n3,50,true\n4,51,true\n9,51,false\n10,51,false\n";

  it("lets --name check a file's flags: the served file passes", async () => {
    const f = files(served, "customer_id,product_id,event,event_date\n1,50,purchased,2026-06-01\n");
    const r = await runMeasure(f, "--name", "spring");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("lets --name catch a flag edited by hand, or another campaign's file", async () => {
    // Customer 3 (h 0.0504) targeted while 4 (h 0.0922) is held out: no threshold gives that.
    const edited = served.replace("3,50,true", "3,50,false");
    const f = files(edited, "customer_id,product_id,event,event_date\n1,50,purchased,2026-06-01\n");
    const r = await runMeasure(f, "--name", "spring");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('do not match campaign "spring"');
    const other = await runCli(
      "measure",
      "--campaign",
      files(served).campaignPath,
      "--log",
      f.logPath,
      "--out",
      f.out,
      "--quiet",
      "--name",
      "autumn",
    );
    expect(other.code).toBe(2);
  });
});
