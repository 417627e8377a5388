/**
 * Rendering: KaTeX math and accessible, responsive SVG plots as strings. Pure: imports only katex.
 */
export { tex } from "./tex";
export { escapeHtml } from "./escape-html";
export { formatNumber } from "./format-number";
export { type SvgOptions } from "./svg";
export { histogramSvg } from "./histogram-svg";
export { scatterSvg } from "./scatter-svg";
export { densityCurvesSvg } from "./density-curves-svg";
export { barChartSvg } from "./bar-chart-svg";
