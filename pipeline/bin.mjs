#!/usr/bin/env node
// The `audience` command. TypeScript runs through tsx's loader, so there is no build
// step between editing the pipeline and running it.
import { register } from "tsx/esm/api";

register();
const { main } = await import(new URL("./cli.ts", import.meta.url).href);
process.exitCode = await main(process.argv);
