// `k6`: check, fail, group, sleep.
import { shim } from "./state.js";

export function check<T>(
  value: T,
  sets: Record<string, (v: T) => boolean>,
  tags: Record<string, string> = {},
): boolean {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const ok = Boolean(fn(value));
    shim().checks.push({ name, ok, tags });
    all &&= ok;
  }
  return all;
}

export function fail(message?: string): never {
  throw new Error(message);
}

export function group<T>(_name: string, fn: () => T): T {
  return fn();
}

export function sleep(_seconds: number): void {}
