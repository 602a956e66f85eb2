// Draws the run report from the JSON in #report-data. Every number was computed by the nightly;
// this only lays out sections, tables and charts. When every chart has finished rendering it sets
// document.body.dataset.chartsRendered to the number of charts (the browser test waits for it).
(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var expected = 0;
  var drawn = 0;
  report.sections.forEach(function (s) { expected += s.charts.length; });
  document.body.dataset.chartsExpected = String(expected);

  function element(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = text; }
    if (className) { e.className = className; }
    return e;
  }

  function axisName(axis) {
    return axis.unit ? axis.name + ' (' + axis.unit + ')' : axis.name;
  }

  // An axis along the bottom has its name centred under its labels; one along the side has it above,
  // aligned to the plot (centred, a long name would be cut at the page's edge).
  function bottomAxis(axis, rotated) {
    axis.nameLocation = 'middle';
    axis.nameGap = rotated ? 56 : 30;
    return axis;
  }

  function sideAxis(axis, right) {
    axis.nameTextStyle = { align: right ? 'right' : 'left' };
    return axis;
  }

  function cartesian(c) {
    var rotated = !c.horizontal && c.categories.length > 8;
    var category = { type: 'category', data: c.categories, name: axisName(c.categoryAxis),
      axisLabel: { interval: 0, width: 220, overflow: 'truncate', rotate: rotated ? 30 : 0 } };
    var values = [{ type: 'value', name: axisName(c.valueAxis) }];
    if (c.secondValueAxis) {
      values.push({ type: 'value', name: axisName(c.secondValueAxis), min: 0, max: 100, splitLine: { show: false } });
    }
    if (c.horizontal) {
      values.forEach(function (v) { bottomAxis(v, false); });
      sideAxis(category, false);
      category.inverse = true; // the first category on top, as a table reads
      category.nameLocation = 'start'; // which, inverted, is the top
    } else {
      bottomAxis(category, rotated);
      values.forEach(function (v, i) { sideAxis(v, i === 1); });
    }
    var series = c.series.map(function (s) {
      var out = { name: s.name, type: s.type, data: s.values };
      if (s.stack) { out.stack = s.stack; }
      if (s.hidden) {
        out.itemStyle = { color: 'transparent' };
        out.silent = true;
        out.tooltip = { show: false };
      }
      if (s.secondAxis) { out[c.horizontal ? 'xAxisIndex' : 'yAxisIndex'] = 1; }
      if (s.type === 'scatter') { out.symbolSize = 10; }
      return out;
    });
    var legend = c.series.filter(function (s) { return !s.hidden; }).map(function (s) { return s.name; });
    return {
      animation: false,
      title: { text: c.title, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { data: legend, top: 24 },
      grid: { left: 24, right: 48, top: 80, bottom: rotated ? 64 : 40, containLabel: true },
      xAxis: c.horizontal ? values : category,
      yAxis: c.horizontal ? category : values,
      series: series
    };
  }

  function heatmap(c) {
    var max = 0;
    c.cells.forEach(function (cell) { max = Math.max(max, cell[2]); });
    return {
      animation: false,
      title: { text: c.title, textStyle: { fontSize: 14 } },
      tooltip: { position: 'top' },
      grid: { left: 24, right: 48, top: 56, bottom: 96, containLabel: true },
      xAxis: bottomAxis({ type: 'category', data: c.categories, name: axisName(c.categoryAxis), splitArea: { show: true } }, false),
      yAxis: sideAxis({ type: 'category', data: c.rowCategories, name: axisName(c.secondValueAxis), splitArea: { show: true } }, false),
      visualMap: { min: 0, max: max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0,
        text: [axisName(c.valueAxis) + ' ' + max.toFixed(0), '0'] },
      series: [{ name: axisName(c.valueAxis), type: 'heatmap', data: c.cells, label: { show: true, fontSize: 10,
        formatter: function (p) { return p.value[2].toFixed(0); } } }]
    };
  }

  function chartDone() {
    drawn += 1;
    if (drawn === expected) {
      document.body.dataset.chartsRendered = String(drawn);
    }
  }

  function draw(container, c) {
    var div = element('div', null, 'chart');
    div.id = 'chart-' + c.id;
    if (c.horizontal) {
      div.style.height = Math.max(320, 120 + 30 * c.categories.length) + 'px';
    }
    container.appendChild(div);
    var chart = echarts.init(div, null, { renderer: 'svg' });
    var finished = false;
    chart.on('finished', function () {
      if (!finished) {
        finished = true;
        chartDone();
      }
    });
    chart.setOption(c.kind === 'heatmap' ? heatmap(c) : cartesian(c));
  }

  function table(container, t) {
    var tableElement = element('table');
    tableElement.appendChild(element('caption', t.title));
    var head = element('tr');
    t.columns.forEach(function (c) { head.appendChild(element('th', c)); });
    tableElement.appendChild(head);
    t.rows.forEach(function (r) {
      var row = element('tr');
      r.forEach(function (cell) { row.appendChild(element('td', cell)); });
      tableElement.appendChild(row);
    });
    container.appendChild(tableElement);
  }

  document.getElementById('report-title').textContent = report.title;
  document.getElementById('report-run').textContent = 'Run date ' + report.runDate + ' · run ' + report.runId
    + ' · written ' + report.generatedAt;
  document.getElementById('report-lake').textContent = 'Lake ' + report.lake;
  var nav = document.getElementById('report-nav');
  var main = document.getElementById('report');
  report.sections.forEach(function (s) {
    var link = element('a', s.title);
    link.href = '#' + s.id;
    nav.appendChild(link);
    var section = element('section', null, s.charts.length === 0 && s.tables.length === 0 ? 'empty' : '');
    section.id = s.id;
    section.appendChild(element('h2', s.title));
    s.notes.forEach(function (n) { section.appendChild(element('p', n, 'note')); });
    main.appendChild(section);
    s.charts.forEach(function (c) { draw(section, c); });
    s.tables.forEach(function (t) { table(section, t); });
  });
  if (expected === 0) {
    document.body.dataset.chartsRendered = '0';
  }
}());
