// The isolate's memory of KV values. Versioned values never change once published, so an
// entry stays until the cache needs its room (no expiry): the least recently used entries
// go first when the characters held pass the bound. Misses (null) are kept too, which
// keeps unknown products (the fallback path) just as cheap.

interface CacheStats {
  entries: number;
  chars: number;
  hits: number;
  misses: number;
}

export class IsolateCache {
  private readonly entries = new Map<string, string | null>();
  private chars = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxChars: number) {}

  /** The cached value (possibly null), or undefined when absent. A hit becomes the most recent entry. */
  get(key: string): string | null | undefined {
    const value = this.entries.get(key);
    if (value === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting makes this the last entry to be evicted.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: string | null): void {
    this.delete(key);
    const size = key.length + (value?.length ?? 0);
    if (size > this.maxChars) return;
    this.entries.set(key, value);
    this.chars += size;
    for (const [oldest] of this.entries) {
      if (this.chars <= this.maxChars) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.chars -= key.length + (value?.length ?? 0);
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
