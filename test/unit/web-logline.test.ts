import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { headline } from "../../web/src/logline.ts";

describe("web log line headline", () => {
  it("strips the Python runtime prefix and keeps the first message line", () => {
    // Format of the Python runtime's logging handler ([LEVEL]\t<time>\t<request id>\t<message>).
    const message =
      "[ERROR]\t2026-11-22T00:55:20.895Z\te8742579-9bc7-4ad5-a3b7-bf123b03ad10\tKeyError: 'session_id'\nTraceback (most recent call last):";
    assert.deepEqual(headline(message), { level: "ERROR", text: "KeyError: 'session_id'" });
  });

  it("strips the Node.js runtime prefix", () => {
    const message =
      '2026-11-22T00:55:20.895Z\tabc-123\tERROR\tInvoke Error \t{"errorType":"ThrottlingException"}';
    assert.deepEqual(headline(message), {
      level: "ERROR",
      text: 'Invoke Error \t{"errorType":"ThrottlingException"}',
    });
  });

  it("keeps other lines as they are", () => {
    assert.deepEqual(headline("Task timed out after 30.00 seconds\n"), {
      level: null,
      text: "Task timed out after 30.00 seconds",
    });
  });
});
