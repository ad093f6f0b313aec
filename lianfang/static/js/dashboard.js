/* Lianfang command dashboard: draws the charts described by the page's JSON (json_script "dashboard-data")
 * with ECharts (vendored, served from our own static files). Every text comes from the page (translated
 * there); this file only draws. A missing day is null in the data and leaves a gap, never a zero.
 *
 * Chart kinds: "trend" (one value per day; the page's 14/30-day switch shows the last N days), "hourly"
 * (24 hours; series marked dashed are the day before), "stacked" (horizontal bars stacked by series).
 */
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const charts = [];
  let window_days = 30;

  function last(list, n) {
    return list.length > n ? list.slice(list.length - n) : list;
  }

  function option(spec) {
    const base = {
      animation: false,
      tooltip: { trigger: "axis", confine: true },
      legend: { type: "scroll", top: 0, textStyle: { fontSize: 12 } },
      grid: { left: 8, right: 12, top: 32, bottom: 8, containLabel: true },
    };
    if (spec.kind === "stacked") {
      return Object.assign(base, {
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
        xAxis: { type: "value", minInterval: 1 },
        yAxis: { type: "category", data: spec.x },
        series: spec.series.map((s) => ({
          name: s.name, type: "bar", stack: "all", data: s.data, itemStyle: { color: s.color },
          label: { show: true, formatter: (p) => (p.value ? p.value : "") },
        })),
      });
    }
    const n = spec.kind === "trend" ? window_days : spec.x.length;
    const twoAxes = spec.series.some((s) => s.axis === 1);
    const yAxis = [{ type: "value", minInterval: 1 }];
    if (twoAxes) yAxis.push({ type: "value", minInterval: 1, splitLine: { show: false } });
    return Object.assign(base, {
      xAxis: { type: "category", data: last(spec.x, n), boundaryGap: spec.series.some((s) => s.type === "bar") },
      yAxis: yAxis,
      series: spec.series.map((s) => ({
        name: s.name,
        type: s.type,
        yAxisIndex: s.axis === 1 ? 1 : 0,
        data: last(s.data, n),
        connectNulls: false,
        showSymbol: spec.kind === "trend" && n <= 14,
        lineStyle: s.dashed ? { type: "dashed" } : undefined,
        itemStyle: s.color ? { color: s.color } : undefined,
      })),
    });
  }

  function draw() {
    for (const entry of charts) entry.chart.setOption(option(entry.spec), true);
  }

  for (const spec of data.charts) {
    const el = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!el) continue;
    const chart = window.echarts.init(el, null, { renderer: "canvas" });
    charts.push({ chart: chart, spec: spec });
    if (window.ResizeObserver) new ResizeObserver(() => chart.resize()).observe(el);
  }
  draw();
  window.addEventListener("resize", () => charts.forEach((entry) => entry.chart.resize()));

  for (const button of document.querySelectorAll(".dash-range [data-days]")) {
    button.addEventListener("click", () => {
      window_days = Number(button.dataset.days);
      for (const other of document.querySelectorAll(".dash-range [data-days]")) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      }
      draw();
    });
  }
})();
