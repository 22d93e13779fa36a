// Both sides compare origins (the API its allowed list, the extension the sender of a landing page).

/** The origin of a URL, or null when there is none or it does not parse. */
export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
