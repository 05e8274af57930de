// Bundles src/ into dist/ (served by the gateway at /staff/assets/): htmx and Chart.js from
// node_modules, no CDN.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
await build({
  entryPoints: ["src/console.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outfile: "dist/console.js",
  legalComments: "eof",
  logLevel: "warning",
});
copyFileSync("src/console.css", "dist/console.css");
console.log("built bot/staff/client/dist");
