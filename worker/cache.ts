// A small TTL cache for the isolate: the pointer and hot KV values, so a hot product is
// served from memory instead of a KV round trip. Misses (null) are cached too, which
// keeps unknown products (the fallback path) just as cheap. Bounded by characters held;
// when full, the oldest entries go first.

interface Entry {
  value: string | null;
  expires: number;
}

export interface CacheStats {
  entries: number;
  chars: number;
  hits: number;
  misses: number;
}

export class IsolateCache {
  private readonly entries = new Map<string, Entry>();
  private chars = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxChars: number) {}

  /** The cached value (possibly null), or undefined when absent or expired. */
  get(key: string, now: number): string | null | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expires <= now) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.value;
  }

  /** As get, but an absent key is not counted: the caller reads it through get next. */
  peek(key: string, now: number): string | null | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expires <= now) return undefined;
    this.hits++;
    return entry.value;
  }

  set(key: string, value: string | null, expires: number): void {
    this.delete(key);
    const size = key.length + (value?.length ?? 0);
    if (size > this.maxChars) return;
    this.entries.set(key, { value, expires });
    this.chars += size;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.chars -= key.length + (entry.value?.length ?? 0);
  }

  clear(): void {
    this.entries.clear();
    this.chars = 0;
    this.hits = 0;
    this.misses = 0;
  }

  stats(): CacheStats {
    return { entries: this.entries.size, chars: this.chars, hits: this.hits, misses: this.misses };
  }
}
