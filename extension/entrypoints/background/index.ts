// Thin: wires the background features; logic lives in extension/background/.
export default defineBackground(() => {});
