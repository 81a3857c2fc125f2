// Request bodies over the route's limit are refused with the contract's 413 before they are parsed.
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "../errors.js";

export function limitBody(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new ApiError(413, "payload_too_large", `The request body is larger than ${maxSize} bytes.`);
    },
  });
}
