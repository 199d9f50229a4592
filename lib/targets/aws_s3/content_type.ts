/** Guesses a Content-Type from a key's extension, as browsers and Dapr's binding expect. */

const types: Record<string, string> = {
  txt: "text/plain; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  md: "text/markdown; charset=utf-8",
  xml: "application/xml",
  json: "application/json",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  yaml: "application/yaml",
  yml: "application/yaml",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  tgz: "application/gzip",
  tar: "application/x-tar",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  svg: "image/svg+xml",
  ico: "image/vnd.microsoft.icon",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  mp4: "video/mp4",
  webm: "video/webm",
  wasm: "application/wasm",
  parquet: "application/vnd.apache.parquet",
  avro: "application/avro",
};

/** The default for unknown or missing extensions. */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** Content-Type for a key, e.g. `reports/a.csv` → `text/csv; charset=utf-8`. */
export function guessContentType(key: string): string {
  const base = key.slice(key.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  if (dot <= 0) return DEFAULT_CONTENT_TYPE;
  return types[base.slice(dot + 1).toLowerCase()] ?? DEFAULT_CONTENT_TYPE;
}
