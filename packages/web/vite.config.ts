import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The API server (packages/server) listens on port 3000; the dev server proxies /api to it
// (XINYU_API_URL points it elsewhere).
export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': { target: process.env.XINYU_API_URL ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      // @xinyu/core is pure (no module side effects); saying so lets the unused zod contracts drop
      // out of the bundle when the UI imports only its constants (ROLE_INFO, labels …).
      treeshake: { moduleSideEffects: [{ test: /packages[\\/]core[\\/]src[\\/]/, sideEffects: false }] },
      output: {
        // Pages are lazy-loaded (React.lazy). React, echarts and the icons get chunks of their own;
        // antd is left to the automatic splitting, so each page only pulls the components it uses
        // (one forced antd chunk was ~1 MB, 337 KB gzip).
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|react-router|react-router-dom|scheduler)[\\/]/, priority: 30 },
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 25 },
            { name: 'antd-icons', test: /node_modules[\\/]@ant-design[\\/]icons/, priority: 22 },
          ],
        },
      },
    },
  },
});
