/** The web console's build: console/ to dist/console, served by `orca serve` under /ui/ (index.html also at /). */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/ui/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // No inline scripts or data: URLs for the CSP; source maps stay out of the package.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
});
