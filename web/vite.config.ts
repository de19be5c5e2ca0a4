import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Root is web/, so `vite build web` and `vite web` both find this file.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Modern browsers only: smaller bundles, no legacy polyfills.
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
    },
  },
});
