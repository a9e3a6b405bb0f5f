/**
 * Pages in a real browser: headless Chromium (Debian's `chromium`, or CHROMIUM_PATH) driven by
 * playwright-core, with axe-core for accessibility and screenshots for people to look at.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  const found = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!found) throw new Error('No Chromium found: install Debian\'s "chromium" (apt-get install chromium) or set CHROMIUM_PATH');
  return found;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

/** A context with a viewport, a language (Accept-Language and navigator.language) and JavaScript on or off. */
export async function newContext(
  browser: Browser,
  options: { viewport?: ViewportName; locale?: string; javaScript?: boolean; timezoneId?: string } = {},
): Promise<BrowserContext> {
  const locale = options.locale ?? 'en';
  return browser.newContext({
    viewport: VIEWPORTS[options.viewport ?? 'desktop'],
    locale,
    extraHTTPHeaders: { 'Accept-Language': locale },
    javaScriptEnabled: options.javaScript ?? true,
    timezoneId: options.timezoneId,
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * Runs axe-core on the page as it is and returns the serious and critical violations.
 * axe is added through the DevTools protocol, so a strict CSP on the page does not block it.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  return (await axeViolations(page)).filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Every axe-core violation on the page as it is, whatever its impact. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  const session = await page.context().newCDPSession(page);
  await session.send('Runtime.evaluate', { expression: axeSource });
  const { result } = await session.send('Runtime.evaluate', {
    expression: `axe.run(document, { resultTypes: ['violations'] }).then((r) => JSON.stringify(r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }))))`,
    awaitPromise: true,
    returnByValue: true,
  });
  await session.detach();
  return JSON.parse(String(result.value)) as AxeViolation[];
}

/** Saves a full-page screenshot under SCREENSHOT_DIR (default: test-results/screenshots) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const dir = process.env.SCREENSHOT_DIR ?? path.resolve('test-results/screenshots');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
