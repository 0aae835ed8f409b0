// The frontier chart's height in CSS pixels: shared by the chart and the placeholder that holds
// its place while the chart's chunk loads.
export const CHART_HEIGHT = 420;
