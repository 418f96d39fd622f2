/**
 * `npm run build:web`: bundles web/src/main.ts (Chart.js and the date adapter included, no CDN)
 * into web/dist/app.js, minified, copies index.html and styles.css, prints the gzipped size
 * and fails when the JavaScript exceeds 250 KB gzipped.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const LIMIT_BYTES = 250 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints: [join(here, "src/main.ts")],
  outfile: join(out, "app.js"),
  bundle: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  sourcemap: false,
  legalComments: "none",
  metafile: true,
  logLevel: "warning",
});
copyFileSync(join(here, "index.html"), join(out, "index.html"));
copyFileSync(join(here, "styles.css"), join(out, "styles.css"));
copyFileSync(join(here, "favicon.svg"), join(out, "favicon.svg"));

const js = readFileSync(join(out, "app.js"));
const gz = gzipSync(js, { level: 9 }).length;
const css = gzipSync(readFileSync(join(out, "styles.css")), { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
process.stdout.write(
  `web/dist/app.js ${kb(js.length)} minified, ${kb(gz)} gzipped (limit ${kb(LIMIT_BYTES)}); styles.css ${kb(css)} gzipped; ${Object.keys(result.metafile.inputs).length} modules\n`,
);
if (gz > LIMIT_BYTES) {
  process.stderr.write(
    `The page bundle is ${kb(gz)} gzipped, over the ${kb(LIMIT_BYTES)} limit: drop a dependency or register fewer Chart.js components.\n`,
  );
  process.exit(1);
}
