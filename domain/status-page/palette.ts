import type { ComponentStatus } from './';

/**
 * The status page's colours, light and dark (WCAG 2.1 AA): text, links and status words reach
 * 4.5:1 on the page and on its surfaces, a banner's text 4.5:1 on its status colour, and an uptime
 * bar 3:1 on the page (non-text contrast). `tests/unit/status-page/palette.test.ts` checks each.
 */

export type Swatch = Record<'bg' | 'surface' | 'text' | 'muted' | 'link' | 'on' | ComponentStatus, string>;

export const palette: { light: Swatch; dark: Swatch } = {
  light: {
    bg: '#ffffff', surface: '#f4f6f8', text: '#1b1f24', muted: '#4a5360', link: '#0b57d0', on: '#ffffff',
    operational: '#137333', degraded_performance: '#7a5c00', partial_outage: '#a14a00', major_outage: '#b3261e', under_maintenance: '#1a5fb4',
  },
  dark: {
    bg: '#101418', surface: '#1a1f26', text: '#e6e9ee', muted: '#aab3bf', link: '#8ab4f8', on: '#101418',
    operational: '#6dd58c', degraded_performance: '#e9c46a', partial_outage: '#f4a261', major_outage: '#ff8a80', under_maintenance: '#8ab4f8',
  },
};

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG 2.1 contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The CSS custom properties of one swatch: `--bg:#ffffff;…`. */
export function cssVariables(s: Swatch): string {
  return Object.entries(s).map(([k, v]) => `--${k.replace(/_/g, '-')}:${v}`).join(';');
}
