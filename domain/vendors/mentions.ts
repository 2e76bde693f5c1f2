/**
 * Vendors public messages may not name (M5.4), as the gate reads them: free of zod, because the
 * workflow bundle imports the gate.
 */
export interface ForbiddenVendorName {
  vendorId: string;
  /** The vendor's name and aliases. */
  names: string[];
}

/** The names of vendors public messages may not name, found in a message's words (case-insensitive, whole words). */
export function forbiddenVendorMentions(texts: readonly string[], vendors: readonly ForbiddenVendorName[]): { vendorId: string; name: string }[] {
  const found: { vendorId: string; name: string }[] = [];
  for (const v of vendors) {
    for (const name of v.names) {
      const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'iu');
      if (texts.some((t) => re.test(t))) {
        found.push({ vendorId: v.vendorId, name });
        break;
      }
    }
  }
  return found;
}
