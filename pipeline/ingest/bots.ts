// The bot rule: a customer with more than `maxPerDay` interactions on any one UTC day.
// Done after the stream with a counting sort by customer, so no per-(customer, day)
// map is ever held: O(rows) time, one Int32Array of extra memory.
import { utcDay } from "./dates.js";

export function findBotCustomers(
  customer: Int32Array,
  time: Float64Array,
  customerCount: number,
  maxPerDay: number,
): Set<number> {
  const bots = new Set<number>();
  const n = customer.length;
  if (n <= maxPerDay) return bots;
  const start = new Int32Array(customerCount + 1);
  for (let r = 0; r < n; r++) start[customer[r] + 1]++;
  for (let c = 0; c < customerCount; c++) start[c + 1] += start[c];
  const fill = start.slice(0, customerCount);
  const order = new Int32Array(n);
  for (let r = 0; r < n; r++) order[fill[customer[r]]++] = r;
  for (let c = 0; c < customerCount; c++) {
    const from = start[c];
    const to = start[c + 1];
    if (to - from <= maxPerDay) continue;
    const perDay = new Map<number, number>();
    for (let i = from; i < to; i++) {
      const day = utcDay(time[order[i]]);
      const k = (perDay.get(day) ?? 0) + 1;
      perDay.set(day, k);
      if (k > maxPerDay) {
        bots.add(c);
        break;
      }
    }
  }
  return bots;
}
