/**
 * @module
 * HTML to PDF with Chromium's own print engine, so the PDF is the HTML as printed: the same
 * escaping, the same print styles (A4, page numbers, repeated table headers). JavaScript is off
 * in the page and every request but data: and about: is aborted, so printing fetches nothing.
 */
import { launchChromium } from "./chromium.js";

export type PdfOptions = {
  /** The Chromium executable (default: $ICTSGUARD_CHROMIUM, else /usr/bin/chromium). */
  chromium?: string;
};

/** Prints one HTML document to PDF bytes (tagged, with an outline from its headings). */
export async function renderPdf(html: string, options: PdfOptions = {}): Promise<Uint8Array> {
  const chrome = await launchChromium(options.chromium);
  try {
    const page = await chrome.context.newPage();
    await page.setContent(html, { waitUntil: "load" });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: true });
    return new Uint8Array(pdf);
  } finally {
    await chrome.close();
  }
}
