/**
 * Charts drawn on the server as SVG (pure: data → markup). No script and no style attribute:
 * sizes and colours are SVG presentation attributes, which the strict CSP allows. Each chart is
 * an image with a text alternative; the numbers are also in a table next to it.
 */
import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** Drawing width: charts scale to the page (at most 600 px wide, see cycles.css), so text stays readable on a phone. */
const W = 440;
const GOOD = '#1a7f37';
const TRACK = '#eaeef2';
const ACCENT = '#0b57d0';
const BAD = '#cf222e';
const INK = '#1f2328';

/** Vertical bars of a distribution (confidence 1–10, scores per tenth). */
export function histogram(counts: number[], labels: string[], label: string, colour = ACCENT): HtmlEscapedString | Promise<HtmlEscapedString> {
  const h = 160;
  const base = h - 24;
  const max = Math.max(1, ...counts);
  const slot = W / counts.length;
  const barW = Math.max(4, slot - 8);
  return html`<svg class="chart narrow" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${label}"><title>${label}</title>
${counts.map((n, i) => {
  const bh = Math.round((n / max) * (base - 18));
  const x = Math.round(i * slot + 4);
  return html`<rect x="${x}" y="${base - bh}" width="${Math.round(barW)}" height="${bh}" fill="${colour}"></rect>
<text x="${x + barW / 2}" y="${base - bh - 4}" font-size="10" text-anchor="middle" fill="${INK}">${n}</text>
<text x="${x + barW / 2}" y="${h - 8}" font-size="10" text-anchor="middle" fill="${INK}">${labels[i] ?? ''}</text>`;
})}</svg>`;
}

/** Emails per day: the bar's length is the most that could go out, its filled part what goes out for sure. */
export function dayBars(days: { day: string; certain: number; atMost: number }[], label: string): HtmlEscapedString | Promise<HtmlEscapedString> {
  const rowH = 18;
  const labelW = 70;
  const barW = W - labelW - 80;
  const max = Math.max(1, ...days.map((d) => d.atMost));
  const h = days.length * rowH + 4;
  return html`<svg class="chart narrow" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${label}"><title>${label}</title>
${days.map((d, i) => {
  const y = i * rowH + 2;
  return html`<text x="0" y="${y + 13}" font-size="10" fill="${INK}">${d.day}</text>
<rect x="${labelW}" y="${y + 3}" width="${Math.max(1, Math.round((d.atMost / max) * barW))}" height="12" rx="2" fill="#9ec1f7"></rect>
<rect x="${labelW}" y="${y + 3}" width="${Math.round((d.certain / max) * barW)}" height="12" rx="2" fill="${ACCENT}"></rect>
<text x="${labelW + barW + 8}" y="${y + 13}" font-size="10" fill="${INK}">${d.certain} / ≤ ${d.atMost}</text>`;
})}</svg>`;
}

export interface TimelinePhase {
  label: string;
  start: number;
  end: number;
  state: 'pending' | 'open' | 'closed';
}

/** The phases on one time axis, the open one highlighted, today marked with a line. */
export function timeline(phases: TimelinePhase[], now: number, todayLabel: string, label: string): HtmlEscapedString | Promise<HtmlEscapedString> {
  const rowH = 24;
  const labelW = 110;
  const axisW = W - labelW - 10;
  const from = Math.min(now, ...phases.map((p) => p.start));
  const to = Math.max(now, ...phases.map((p) => p.end));
  const span = Math.max(1, to - from);
  const x = (t: number) => labelW + Math.round(((t - from) / span) * axisW);
  const h = phases.length * rowH + 26;
  const fill = { pending: TRACK, open: ACCENT, closed: '#8c959f' } as const;
  return html`<svg class="chart narrow" viewBox="0 0 ${W} ${h}" width="100%" role="img" aria-label="${label}"><title>${label}</title>
${phases.map((p, i) => {
  const y = i * rowH + 20;
  return html`<text x="0" y="${y + 14}" font-size="11" fill="${INK}"${p.state === 'open' ? raw(' font-weight="700"') : ''}>${truncate(p.label, 18)}</text>
<rect x="${x(p.start)}" y="${y + 3}" width="${Math.max(3, x(p.end) - x(p.start))}" height="14" rx="3" fill="${fill[p.state]}"></rect>`;
})}
<line x1="${x(now)}" y1="14" x2="${x(now)}" y2="${h}" stroke="${BAD}" stroke-width="2"></line>
<text x="${Math.min(x(now), W - 40)}" y="11" font-size="10" fill="${BAD}" text-anchor="middle">${todayLabel}</text></svg>`;
}

function truncate(text: string, n: number): string {
  return [...text].length > n ? `${[...text].slice(0, n - 1).join('')}…` : text;
}
