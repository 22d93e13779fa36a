// Set at build time by wxt.config.ts (vite `define`).
interface ImportMetaEnv {
  /** The production API origin of a store build; empty in a development build. */
  readonly GUANCE_API_ORIGIN: string;
}
