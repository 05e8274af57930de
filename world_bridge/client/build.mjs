// Bundles src/ into dist/ (served by the gateway at /world): three.js from node_modules, no CDN.
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { build } from "esbuild";

rmSync("dist", { recursive: true, force: true });
mkdirSync("dist");
await build({
  entryPoints: ["src/main.js"],
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2020",
  outfile: "dist/world.js",
  legalComments: "eof",
  logLevel: "warning",
});
copyFileSync("src/index.html", "dist/index.html");
copyFileSync("src/world.css", "dist/world.css");
console.log("built world_bridge/client/dist");
