// Checks a campaign file's holdout flags against the campaign's hash (the worker's own
// function): a flag edited by hand, or a file served for another campaign, would make the
// comparison meaningless. Served flags split customers at one threshold h < holdout_pct/100.
import { HOLDOUT_PCT_MAX } from "../../worker/contract.js";
import { holdoutFraction } from "../../worker/holdout.js";
import { UsageError } from "../errors.js";

export function verifyHoldout(campaign: string, customers: Map<string, boolean>): void {
  let maxHeld = -1;
  let heldId = "";
  let minTargeted = 2;
  let targetedId = "";
  for (const [id, held] of customers) {
    const h = holdoutFraction(campaign, id);
    if (held && h > maxHeld) [maxHeld, heldId] = [h, id];
    if (!held && h < minTargeted) [minTargeted, targetedId] = [h, id];
  }
  if (maxHeld >= HOLDOUT_PCT_MAX / 100 || maxHeld >= minTargeted) {
    const who =
      maxHeld >= minTargeted
        ? `customer ${heldId} is held out but ${targetedId} is not`
        : `customer ${heldId} is held out`;
    throw new UsageError(
      `the holdout flags do not match campaign "${campaign}": ${who}, which no holdout_pct gives (edited by hand, or served for another campaign?)`,
    );
  }
}
