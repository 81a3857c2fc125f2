// Option parsers shared by the commands; a bad value is a one-line usage error.
import { InvalidArgumentError } from "commander";

export function positiveInt(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got "${value}"`);
    }
    return n;
  };
}

export function intList(name: string) {
  return (value: string): number[] => {
    const parts = value.split(",").map((s) => s.trim());
    const parse = positiveInt(name);
    return parts.map(parse);
  };
}

export const DEFAULT_OUT = "out";
