// chart.js, registered once with only what the Numbers page draws (bar charts with category and linear axes,
// tooltips and a legend), so the rest of chart.js stays out of the bundle. `Bar` registers its own controller.
import { BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";

Chart.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);
// The console's own font and colours; no animation, so a chart reads the same at every instant (screenshots).
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily || "system-ui, sans-serif";
Chart.defaults.color = "#5d6878";
Chart.defaults.borderColor = "#d9dee6";
Chart.defaults.animation = false;
