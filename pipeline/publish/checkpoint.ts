// The resume record: which parts of this build each target has confirmed. It lives in
// the build directory (publish-checkpoint.json), keyed by target identity (store and
// namespace, never the token), and a part counts only while its hash still matches.
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export const CHECKPOINT_FILE = "publish-checkpoint.json";

interface TargetRecord {
  /** part file → checksum (serialize/checksum.ts) of the content that target confirmed */
  parts: Record<string, string>;
  switched_at?: string;
}

interface CheckpointData {
  format: 1;
  version: string;
  targets: Record<string, TargetRecord>;
}

export class Checkpoint {
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly data: CheckpointData,
    private readonly identity: string,
  ) {}

  static async open(buildDir: string, version: string, identity: string): Promise<Checkpoint> {
    const file = join(buildDir, CHECKPOINT_FILE);
    let data: CheckpointData = { format: 1, version, targets: {} };
    try {
      const raw = JSON.parse(await readFile(file, "utf8")) as CheckpointData;
      // A checkpoint of another version (a build directory reused) is worthless.
      if (raw?.format === 1 && raw.version === version && raw.targets && typeof raw.targets === "object")
        data = raw;
    } catch {
      // Missing or unreadable: start from nothing, which is always safe.
    }
    data.targets[identity] ??= { parts: {} };
    return new Checkpoint(file, data, identity);
  }

  private get record(): TargetRecord {
    return this.data.targets[this.identity];
  }

  isConfirmed(file: string, checksum: string): boolean {
    return this.record.parts[file] === checksum;
  }

  confirm(file: string, checksum: string): Promise<void> {
    this.record.parts[file] = checksum;
    return this.save();
  }

  forget(files: string[]): Promise<void> {
    for (const f of files) delete this.record.parts[f];
    return this.save();
  }

  switched(at: Date): Promise<void> {
    this.record.switched_at = at.toISOString();
    return this.save();
  }

  /** Writes one at a time, each to a temporary file then renamed, so a kill never leaves half a file. */
  private save(): Promise<void> {
    const text = JSON.stringify(this.data, null, 1);
    this.writing = this.writing.then(async () => {
      const tmp = `${this.file}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.file);
    });
    return this.writing;
  }
}
