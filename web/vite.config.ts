// The dashboard's build: web/ → dist/web/ (shipped in the package; no CDN, works air-gapped).
// Preact through its React-compatible layer, so @tanstack/react-table runs on it; JSX by esbuild.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: here("public"),
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  resolve: {
    alias: { react: "preact/compat", "react-dom": "preact/compat", "react/jsx-runtime": "preact/jsx-runtime" },
  },
  build: {
    outDir: here("../dist/web"),
    emptyOutDir: true,
    // no inline polyfill script: the CSP allows only the app's own files
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2022",
    reportCompressedSize: false,
  },
  logLevel: "warn",
});
