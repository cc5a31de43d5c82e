// esbuild bundles imported CSS into dist/webview/panel.css; TypeScript only needs to know it exists.
declare module '*.css';
