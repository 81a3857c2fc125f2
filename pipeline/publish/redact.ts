// The API token must never reach output, errors or files. Every message that leaves
// the Cloudflare target goes through here, even ones we wrote ourselves, because a
// server error body can echo request headers back.

export function redact(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  return text.split(secret).join("[redacted]");
}

/** Runs `work`; any error comes out with the secret scrubbed from its message. */
export async function withRedaction<T>(secret: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof Error) {
      err.message = redact(err.message, secret);
      if (err.stack) err.stack = redact(err.stack, secret);
    }
    throw err;
  }
}
