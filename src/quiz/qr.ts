/** The join link and its QR code (SVG, inlined in the presenter view). */
import QRCode from "qrcode";

/** Absolute join URL: LIKELY_PUBLIC_URL when set, otherwise the request's own origin. */
export function joinUrl(origin: string, code: string): string {
  return `${origin.replace(/\/+$/, "")}/quiz?code=${encodeURIComponent(code)}`;
}

const cache = new Map<string, string>();

/** An SVG QR code (dark on white, quiet zone included) of `text`. */
export async function qrSvg(text: string): Promise<string> {
  const hit = cache.get(text);
  if (hit) return hit;
  const svg = await QRCode.toString(text, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#000000", light: "#ffffff" } });
  const labelled = svg.replace("<svg ", `<svg role="img" aria-label="QR code of the join link" class="qr-code" `);
  if (cache.size > 100) cache.clear();
  cache.set(text, labelled);
  return labelled;
}
