#!/usr/bin/env node
// Entry for `npx bedrock-ops`: runs the TypeScript CLI through tsx (no build step).
import { register } from "tsx/esm/api";

register();
await import("./cli.ts");
