/**
 * The confidence trend on "Me": a small line chart drawn on the server as SVG (pure: points →
 * markup), as the cycle dashboard's charts are (api/console/cycles/charts.ts): presentation
 * attributes only (the strict CSP allows no style), an image with a text alternative, and the
 * numbers also in the check-in table next to it.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

const W = 440;
const H = 150;
const ACCENT = '#0b57d0';
const GRID = '#d0d7de';
const INK = '#1f2328';

/** Confidence (1–10) per week as a line with its points labelled; nothing for fewer than one point. */
export function confidenceTrend(
  points: { week: number; confidence: number }[],
  label: string,
  weekLabel: (n: number) => string,
): HtmlEscapedString | Promise<HtmlEscapedString> | '' {
  if (!points.length) return '';
  const left = 28;
  // Room for the last week's label, centred on its point.
  const right = 34;
  const top = 14;
  const bottom = H - 26;
  const span = Math.max(1, points.length - 1);
  const x = (i: number) => Math.round(left + (points.length === 1 ? (W - left - right) / 2 : (i / span) * (W - left - right)));
  const y = (v: number) => Math.round(bottom - ((Math.min(10, Math.max(1, v)) - 1) / 9) * (bottom - top));
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(i)} ${y(p.confidence)}`).join(' ');
  // At most about eight week labels, so they stay readable on a phone.
  const every = Math.max(1, Math.ceil(points.length / 8));
  return html`<svg class="chart trend" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${label}"><title>${label}</title>
${[1, 5, 10].map((v) => html`<line x1="${left}" y1="${y(v)}" x2="${W - right}" y2="${y(v)}" stroke="${GRID}" stroke-width="1"></line><text x="${left - 6}" y="${y(v) + 4}" font-size="10" text-anchor="end" fill="${INK}">${v}</text>`)}
<path d="${path}" fill="none" stroke="${ACCENT}" stroke-width="2.5"></path>
${points.map(
  (p, i) =>
    html`<circle cx="${x(i)}" cy="${y(p.confidence)}" r="4" fill="${ACCENT}"></circle><text x="${x(i)}" y="${y(p.confidence) - 8}" font-size="10" text-anchor="middle" fill="${INK}">${p.confidence}</text>${
      i % every === 0 || i === points.length - 1
        ? html`<text x="${x(i)}" y="${H - 8}" font-size="10" text-anchor="middle" fill="${INK}">${weekLabel(p.week)}</text>`
        : ''
    }`,
)}</svg>`;
}
