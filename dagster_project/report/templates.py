"""The page templates (jinja2), kept in Python so they ship with the package.

Everything is inline: CSS in a `<style>` block, charts and icons as inline SVG, a system font
stack. No script, font, stylesheet or image is fetched, so the report works with no network.
"""

from __future__ import annotations

from .palette import css_variables

CSS = "\n" + css_variables() + """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font-family:Arial,"Liberation Sans","Helvetica Neue",Helvetica,sans-serif;
color:var(--ink);background:var(--bg);font-size:15px;line-height:1.45}
a{color:var(--blue)}a:hover{color:#003d78}a:focus{outline:3px solid #ffeb3b;outline-offset:1px}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px}
.wrap{max-width:1400px;margin:0 auto;padding:0 24px}
header.top{background:var(--blue);color:#fff}
header.top .wrap{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 24px;padding-top:14px;
padding-bottom:0}
.brand{font-size:21px;font-weight:700;letter-spacing:.2px}
.org{font-size:14px;opacity:.92}
nav{width:100%;display:flex;gap:2px;flex-wrap:wrap;margin-top:8px}
nav a{color:#fff;text-decoration:none;padding:8px 12px 9px;font-size:14px;font-weight:600;
border-bottom:3px solid transparent}
nav a:hover{background:rgba(255,255,255,.12);color:#fff}
nav a.on{border-bottom-color:#fff}
main{padding-top:20px;padding-bottom:32px}
h1{font-size:28px;margin:4px 0 4px}
h2{font-size:21px;margin:30px 0 10px}
h3{font-size:16px;margin:0 0 6px}
.lead{color:var(--muted);margin:0 0 16px;max-width:900px}
.crumbs{font-size:13px;color:var(--muted);margin-bottom:4px}
.panel{background:#fff;border:1px solid var(--line);border-radius:6px;padding:16px 18px;
margin-bottom:16px}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;
margin:16px 0 8px}
.tile{background:#fff;border:1px solid var(--line);border-left:6px solid var(--cc);
border-radius:6px;padding:10px 14px}
.tile .n{font-size:28px;font-weight:700;line-height:1.1}
.tile .t{font-size:13px;color:var(--muted)}
.tile.imp{border-left-color:var(--imp)}.tile.con{border-left-color:var(--con)}
.tile.pass{border-left-color:var(--imp)}.tile.fail{border-left-color:var(--con)}
.tile.sig{border-left-color:var(--neu)}.tile.dq{border-left-color:var(--slate)}
.tile.dq.bad{border-left-color:var(--red)}
.domain{margin-top:26px}
.domain h2{display:flex;align-items:center;gap:10px;margin:0 0 8px;font-size:20px}
.domain h2 .bar{display:inline-block;width:6px;height:22px;background:var(--blue);
border-radius:2px}
.domain h2 .count{font-size:13px;font-weight:400;color:var(--muted)}
table{border-collapse:collapse;width:100%;background:#fff}
table.summary{table-layout:fixed;min-width:1060px}
table.summary td.num,table.summary th.num{padding-left:6px;padding-right:8px}
.tablewrap{overflow-x:auto;border:1px solid var(--line);border-radius:6px;background:#fff}
th,td{padding:7px 10px;text-align:left;border-bottom:1px solid #e8edee;vertical-align:middle}
thead th{background:#f7f9fa;font-size:12.5px;color:var(--muted);font-weight:700;
text-transform:none;white-space:nowrap;border-bottom:1px solid var(--line)}
tbody tr:last-child td{border-bottom:0}
tbody tr:hover{background:#f7fbff}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.icon,th.icon{text-align:center;width:56px;padding:4px 6px}
td.spark{width:150px;padding:2px 10px}
td.mname a{font-weight:600;text-decoration:none}td.mname a:hover{text-decoration:underline}
td.mname .mn{display:flex;gap:8px;align-items:baseline}
td.mname .id{flex:0 0 32px;color:var(--muted);font-size:12px;font-weight:700}
.note-line{display:block;margin-top:1px}
td.latest{font-weight:700;font-size:15.5px}
.muted{color:var(--muted)}.small{font-size:12.5px}
.none{color:var(--muted);font-style:italic;padding:12px 0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:700;
color:#fff;white-space:nowrap}
.b-improvement{background:var(--imp)}.b-concern{background:var(--con)}
.b-neutral{background:var(--neu)}.b-common{background:#8a8a8a}
.st{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:700;
border:1px solid}
.st-pass{color:var(--pass);border-color:var(--pass);background:#e6f4ec}
.st-warn{color:#8a5300;border-color:#b26a00;background:#fff4e0}
.st-fail{color:#b10e1e;border-color:#b10e1e;background:#fdecee}
.dq svg{vertical-align:middle}
.key{display:flex;flex-wrap:wrap;gap:8px 22px;align-items:center;font-size:13px;
color:var(--muted)}
.key span{display:inline-flex;align-items:center;gap:6px}
details.keybox{background:#fff;border:1px solid var(--line);border-radius:6px;
padding:8px 14px;margin:8px 0 4px}
details.keybox summary{cursor:pointer;font-weight:600;font-size:14px}
details.keybox .key{margin-top:10px}
.icons{display:flex;gap:6px;align-items:center}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(110px,1fr));gap:8px 16px;
margin:4px 0 12px}
.stats div{font-size:12.5px;color:var(--muted)}
.stats b{display:block;font-size:18px;color:var(--ink)}
.chartbox svg{max-width:100%;height:auto;display:block}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px}
.grid.wide{grid-template-columns:repeat(auto-fill,minmax(420px,1fr))}
.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:10px 12px}
.card header{display:flex;justify-content:space-between;align-items:flex-start;gap:8px}
.card h3{font-size:14.5px;margin:0}
.card .val{font-size:13px;color:var(--muted);margin:2px 0 4px}
.card .val b{color:var(--ink);font-size:15px}
.card svg.spc-chart{width:100%;height:auto;display:block;margin-top:4px}
details.more{margin-top:12px}
details.more summary{cursor:pointer;font-weight:600;padding:8px 0}
.csu-list{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:10px}
.csu-list a{display:block;background:#fff;border:1px solid var(--line);border-radius:6px;
padding:10px 12px;text-decoration:none;color:var(--ink)}
.csu-list a:hover{border-color:var(--blue)}
.csu-list .nm{font-weight:700;color:var(--blue)}
.csu-list .ct{font-size:12.5px;color:var(--muted);margin-top:2px}
.dot{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:3px}
.note{background:#fff4e0;border-left:5px solid #b26a00;padding:8px 12px;margin:10px 0;
font-size:13.5px}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:16px}
@media (max-width:1100px){.two{grid-template-columns:minmax(0,1fr)}}
.stack>div{margin-bottom:18px}
footer{color:var(--muted);font-size:12.5px;border-top:1px solid var(--line);padding:14px 0 26px}
@media print{body{background:#fff}header.top{background:#fff;color:var(--ink)}
header.top nav{display:none}.panel,.card,.tablewrap{break-inside:avoid}}
"""

BASE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<title>{{ page_title }} – Integrated Performance Report</title>
<style>{{ css }}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="top"><div class="wrap">
<div class="brand">Integrated Performance Report</div>
<div class="org">{{ org_label }}{% if data_to %} · data to {{ data_to }}{% endif %}</div>
<nav aria-label="Report sections">
<a href="{{ root }}index.html"{% if active == 'summary' %} class="on"{% endif %}>Board summary</a>
<a href="{{ root }}index.html#signals">New special causes</a>
<a href="{{ root }}index.html#csus"{% if active == 'csu' %} class="on"{% endif %}>Clinical Service Units</a>
<a href="{{ root }}index.html#data-quality">Data quality</a>
<a href="{{ root }}improvement/index.html"{% if active == 'improvement' %} class="on"{% endif %}>Improvement</a>
</nav>
</div></header>
<main id="main" class="wrap">
{{ content }}
</main>
<footer><div class="wrap">Generated {{ generated }} from the warehouse's published tables.
Charts follow NHS England's <i>Making Data Count</i> method: special causes are judged against
the mean and process limits, not against the previous month. This report works offline.</div>
</footer>
</body>
</html>
"""

ICON_KEY = """{% macro icon_key() %}
<details class="keybox"><summary>How to read the icons and charts</summary>
<div class="key">
<span>{{ vicon('common_cause', 26) }} Common cause: no significant change</span>
<span>{{ vicon('improvement_high', 26) }}{{ vicon('improvement_low', 26) }} Special cause: improvement (higher / lower)</span>
<span>{{ vicon('concern_high', 26) }}{{ vicon('concern_low', 26) }} Special cause: concern (higher / lower)</span>
<span>{{ vicon('neutral_high', 26) }} Special cause: neither improvement nor concern</span>
</div>
<div class="key" style="margin-top:8px">
<span>{{ aicon('consistent_pass', 26) }} Will consistently pass the target</span>
<span>{{ aicon('consistent_fail', 26) }} Will consistently fail the target</span>
<span>{{ aicon('inconsistent', 26) }} Will hit and miss the target</span>
<span>{{ aicon(None, 26) }} No target, or no SPC chart</span>
</div>
<p class="small muted" style="margin:10px 0 2px">Charts: grey line and points are the values;
solid line the mean; grey dashed lines the process limits (dotted and labelled “trial limits” when
there are fewer than 13 points); red dashed line the target; blue, orange and purple points are
special causes (improvement, concern, neutral); a vertical dashed line marks where the limits
were recalculated. Hover over a point to see its value and the rule that fired.</p>
</details>
{% endmacro %}"""

SIGNAL_TABLE = """{% macro signal_table(rows, show_unit=True) %}
<div class="tablewrap"><table class="signals">
<thead><tr><th scope="col">Measure</th>{% if show_unit %}<th scope="col">Unit</th>{% endif %}<th scope="col" class="num">Period</th><th scope="col" class="num">Value</th><th scope="col">Rule that fired</th><th scope="col">Type</th></tr></thead>
<tbody>
{% for s in rows %}<tr data-measure="{{ s.measure_id }}" data-unit="{{ s.unit_code }}">
<td class="mname"><div class="mn"><span class="id">{{ s.measure_id }}</span><span>{% if s.measure %}<a href="{{ s.measure.page }}">{{ s.measure.name }}</a>{% endif %}</span></div></td>
{% if show_unit %}<td>{% if s.unit_page %}<a href="{{ s.unit_page }}">{{ s.unit_name }}</a>{% else %}{{ s.unit_name }}{% endif %}</td>{% endif %}
<td class="num">{{ s.period_text }}</td><td class="num">{{ s.value_text }}</td><td>{{ s.rule }}</td>
<td><span class="badge b-{{ s.kind }}">{{ s.kind_text }}</span></td></tr>
{% endfor %}</tbody></table></div>
{% endmacro %}"""

CHECK_TABLE = """{% macro check_table(rows) %}
<div class="tablewrap"><table class="checks">
<thead><tr><th scope="col">Asset</th><th scope="col">Status</th><th scope="col" class="num">Checks</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Blocking</th><th scope="col" class="num">Pass rate 30 d</th><th scope="col" class="num">Last checked</th></tr></thead>
<tbody>{% for c in rows %}<tr data-asset="{{ c.asset_key }}"><td>{{ c.asset_key }}</td><td><span class="st st-{{ c.status_class }}">{{ c.status_text }}</span></td>
<td class="num">{{ c.checks }}</td><td class="num">{{ c.checks_failed }}</td><td class="num">{{ c.blocking_failed }}</td><td class="num">{{ c.pass_rate }}</td><td class="num">{{ c.last_checked }}</td></tr>
{% endfor %}</tbody></table></div>
{% endmacro %}"""

INDEX = ICON_KEY + SIGNAL_TABLE + CHECK_TABLE + """
<h1>Board summary</h1>
<p class="lead">The trust's {{ n_measures }} balanced-scorecard measures at organisation level,
grouped by domain, with the latest value, the process limits and the variation and assurance
icons of each statistical process control chart.</p>
{% for note in notes %}<div class="note">{{ note }}</div>{% endfor %}
<div class="tiles" aria-label="At a glance">
<div class="tile imp"><div class="n">{{ tiles.improvement }}</div><div class="t">measures showing special-cause improvement</div></div>
<div class="tile con"><div class="n">{{ tiles.concern }}</div><div class="t">measures showing special-cause concern</div></div>
<div class="tile pass"><div class="n">{{ tiles.pass }}</div><div class="t">will consistently pass the target</div></div>
<div class="tile fail"><div class="n">{{ tiles.fail }}</div><div class="t">will consistently fail the target</div></div>
<div class="tile sig"><div class="n">{{ tiles.signals }}</div><div class="t">new special causes since the last run</div></div>
<div class="tile dq{% if tiles.checks_failing %} bad{% endif %}"><div class="n">{{ tiles.checks_failing }}</div><div class="t">data checks failing or warning</div></div>
</div>
{{ icon_key() }}
{% for domain, label, rows in domains %}
<section class="domain" id="domain-{{ domain }}" aria-labelledby="h-{{ domain }}">
<h2 id="h-{{ domain }}"><span class="bar" aria-hidden="true"></span>{{ label }} <span class="count">{{ rows|length }} measure{{ 's' if rows|length != 1 }}</span></h2>
<div class="tablewrap"><table class="summary">
<colgroup><col><col style="width:84px"><col style="width:102px"><col style="width:98px"><col style="width:98px"><col style="width:98px"><col style="width:98px"><col style="width:72px"><col style="width:82px"><col style="width:150px"></colgroup>
<thead><tr><th scope="col">Measure</th><th scope="col" class="num">Period</th><th scope="col" class="num">Latest</th><th scope="col" class="num">Target</th><th scope="col" class="num">Mean</th><th scope="col" class="num">Lower limit</th><th scope="col" class="num">Upper limit</th><th scope="col" class="icon">Variation</th><th scope="col" class="icon">Assurance</th><th scope="col">Trend</th></tr></thead>
<tbody>
{% for r in rows %}<tr id="m-{{ r.measure.measure_id }}" data-measure="{{ r.measure.measure_id }}" data-variation="{{ r.variation or '' }}" data-assurance="{{ r.assurance or '' }}">
<td class="mname"><div class="mn"><span class="id">{{ r.measure.measure_id }}</span><span><a href="{{ r.measure.page }}">{{ r.measure.name }}</a> <span class="dq">{{ r.dq_mark }}</span>{% if r.stale %} <span class="st st-fail">{{ r.stale }}</span>{% endif %}{% if r.note %}<span class="small muted note-line">{{ r.note }}</span>{% endif %}{% if r.provisional %}<span class="small muted note-line">{{ r.provisional }}</span>{% endif %}{% if r.days_since %}<span class="small note-line days-since">{{ r.days_since }}</span>{% endif %}</span></div></td>
<td class="num">{{ r.period }}</td><td class="num latest">{{ r.latest }}</td><td class="num">{{ r.target }}</td>
<td class="num">{{ r.mean }}</td><td class="num">{{ r.lpl }}</td><td class="num">{{ r.upl }}</td>
<td class="icon">{{ r.variation_svg }}</td><td class="icon">{{ r.assurance_svg }}</td>
<td class="spark">{{ r.sparkline }}</td></tr>
{% endfor %}</tbody></table></div>
</section>
{% endfor %}

<section id="signals" aria-labelledby="h-signals">
<h2 id="h-signals">New special causes since the last run</h2>
{% if signals %}
<p class="lead">{{ signals|length }} point{{ 's' if signals|length != 1 }} newly flagged by a Making Data Count rule{% if detected_at %} (detected {{ detected_at }}){% endif %}: {{ org_signals|length }} for the organisation and {{ csu_signals|length }} for Clinical Service Units.</p>
<h3>Organisation</h3>
{% if org_signals %}{{ signal_table(org_signals, False) }}{% else %}<p class="none panel">None at organisation level.</p>{% endif %}
{% if csu_signals %}
<details class="more"{% if not org_signals %} open{% endif %}><summary>Clinical Service Units: {{ csu_signals|length }} new special cause{{ 's' if csu_signals|length != 1 }} ({{ csu_counts.improvement }} improvement, {{ csu_counts.concern }} concern, {{ csu_counts.neutral }} neutral)</summary>
{{ signal_table(csu_signals) }}
</details>
{% endif %}
{% else %}
<p class="none panel">None: no new special causes since the last run.</p>
{% endif %}
</section>

<section id="csus" aria-labelledby="h-csus">
<h2 id="h-csus">Clinical Service Units</h2>
{% if csus %}
<div class="csu-list">
{% for c in csus %}<a href="{{ c.unit.page }}" data-csu="{{ c.unit.code }}"><div class="nm">{{ c.unit.name }}</div>
<div class="ct"><span class="dot" style="background:var(--imp)"></span>{{ c.improvement }} improvement · <span class="dot" style="background:var(--con)"></span>{{ c.concern }} concern · {{ c.charts }} charts</div></a>
{% endfor %}</div>
{% else %}<p class="none panel">None: no Clinical Service Units in the published data.</p>{% endif %}
</section>

<section id="data-quality" aria-labelledby="h-dq">
<h2 id="h-dq">Data quality</h2>
<div class="stack">
<div>
<h3>Latest checks per asset</h3>
{% if checks %}
<p class="small muted">{{ checks_passing|length }} of {{ checks|length }} assets pass all their checks.</p>
{% if checks_attention %}{{ check_table(checks_attention) }}{% endif %}
{% if checks_passing %}<details class="more"{% if not checks_attention %} open{% endif %}><summary>Assets passing all checks ({{ checks_passing|length }})</summary>
{{ check_table(checks_passing) }}</details>{% endif %}
{% else %}<p class="none panel">None: no check results published.</p>{% endif %}
</div>
<div>
<h3>Extracts: quarantine and freshness</h3>
{% if extracts %}
<div class="tablewrap"><table class="extracts">
<thead><tr><th scope="col">Extract</th><th scope="col" class="num">Files loaded</th><th scope="col" class="num">Rejected</th><th scope="col" class="num">Rows loaded</th><th scope="col" class="num">Quarantined</th><th scope="col" class="num">Latest extract</th><th scope="col" class="num">Age</th></tr></thead>
<tbody>{% for e in extracts %}<tr><td>{{ e.extract }}</td><td class="num">{{ e.files_loaded }}</td><td class="num">{{ e.files_rejected }}</td><td class="num">{{ e.rows_loaded }}</td>
<td class="num">{% if e.quarantined_n %}<span class="st st-warn">{{ e.rows_quarantined }}</span>{% else %}{{ e.rows_quarantined }}{% endif %}</td>
<td class="num">{{ e.latest }}</td><td class="num">{% if e.stale %}<span class="st st-warn">{{ e.age }}</span>{% else %}{{ e.age }}{% endif %}</td></tr>
{% endfor %}</tbody></table></div>
{% else %}<p class="none panel">None: no extract loads published.</p>{% endif %}
</div>
</div>
<h3>Measures: data-quality marks and staleness</h3>
{% if dq_rows %}
<div class="tablewrap"><table class="measure-quality">
<thead><tr><th scope="col">Measure</th><th scope="col">Mark</th><th scope="col">Timeliness</th><th scope="col">Validity</th></tr></thead>
<tbody>{% for r in dq_rows %}<tr data-measure="{{ r.measure.measure_id }}"><td><a href="{{ r.measure.page }}#data-quality">{{ r.measure.measure_id }} {{ r.measure.name }}</a></td><td>{{ r.dq_mark }}</td>
<td>{% if r.stale %}<span class="st st-fail">{{ r.stale }}</span>{% else %}{{ r.measure.quality.timeliness_evidence if r.measure.quality else '' }}{% endif %}</td><td class="small">{{ r.measure.quality.validity_evidence if r.measure.quality else '' }}</td></tr>
{% endfor %}</tbody></table></div>
{% else %}<p class="none panel">None: no data-quality marks published.</p>{% endif %}
</section>
"""

MEASURE = ICON_KEY + """
<div class="crumbs"><a href="../index.html">Board summary</a> › <a href="../index.html#domain-{{ m.domain }}">{{ m.domain_label }}</a></div>
<h1>{{ m.measure_id }} · {{ m.name }}</h1>
<p class="lead">{{ m.domain_label }} · {{ facts }}{% if m.description %}<br>{{ m.description }}{% endif %}</p>
{{ icon_key() }}
{% if org %}
<section class="panel" id="organisation" data-variation="{{ org.variation_icon or '' }}" data-assurance="{{ org.assurance_icon or '' }}">
<header style="display:flex;justify-content:space-between;align-items:flex-start;gap:12px">
<h2 style="margin:0 0 8px">{{ org.unit.name }}</h2>
<div class="icons">{{ org_icons }}</div></header>
<div class="stats">
<div>Latest ({{ org_stats.period }})<b>{{ org_stats.latest }}</b></div>
<div>Target<b>{{ org_stats.target }}</b></div>
{% if not org.no_spc_reason %}<div>Mean<b>{{ org_stats.mean }}</b></div>
<div>Lower process limit<b>{{ org_stats.lpl }}</b></div>
<div>Upper process limit<b>{{ org_stats.upl }}</b></div>{% else %}<div>Against target<b>{{ org.target_comparison or '–' }}</b></div>{% endif %}
</div>
<div class="chartbox">{{ org_svg }}</div>
<p class="small muted">Download: <a href="../charts/{{ org.stem }}.svg">SVG</a> · <a href="../charts/{{ org.stem }}.png">PNG</a></p>
{% for extra in extras %}<h3>{{ extra.title }}</h3><div class="chartbox">{{ extra.svg }}</div>
<p class="small muted">Download: <a href="../charts/{{ extra.stem }}.svg">SVG</a> · <a href="../charts/{{ extra.stem }}.png">PNG</a></p>{% endfor %}
</section>
{% else %}<p class="none panel">None: no organisation-level chart published for this measure.</p>{% endif %}
<section class="panel" id="data-quality">
<h2 style="margin:0 0 8px">Data quality {{ dq_mark }}</h2>
{% if stale %}<p><span class="st st-fail">{{ stale }}</span></p>{% endif %}
{% if provisional %}<p class="small muted">{{ provisional }}.</p>{% endif %}
{% if dq_rows %}<p class="small muted">Assessed {{ dq_assessed }}, from what the pipeline knows about this measure's data.</p>
<div class="tablewrap"><table class="dq-evidence">
<thead><tr><th scope="col">Dimension</th><th scope="col">Rating</th><th scope="col">Evidence</th></tr></thead>
<tbody>{% for d in dq_rows %}<tr><td>{{ d.dimension }}</td><td><span class="st st-{{ 'pass' if d.rating == 'pass' else 'fail' if d.rating == 'fail' else 'warn' }}">{{ d.rating }}</span></td><td>{{ d.evidence }}</td></tr>
{% endfor %}</tbody></table></div>
{% else %}<p class="none">None: no data-quality mark published for this measure.</p>{% endif %}
</section>
<h2 id="csus">By Clinical Service Unit</h2>
{% if cards %}
<div class="grid">
{% for c in cards %}<article class="card" data-csu="{{ c.chart.unit.code }}" data-variation="{{ c.chart.variation_icon or '' }}" data-assurance="{{ c.chart.assurance_icon or '' }}">
<header><div><h3><a href="../{{ c.chart.unit.page }}">{{ c.chart.unit.name }}</a></h3>
<div class="val">Latest <b>{{ c.latest }}</b> {{ c.period }}</div></div>
<div class="icons">{{ c.icons }}</div></header>
{{ c.svg }}
</article>
{% endfor %}</div>
{% else %}<p class="none panel">None: no CSU-level charts published for this measure.</p>{% endif %}
"""

CSU = ICON_KEY + """
<div class="crumbs"><a href="../index.html">Board summary</a> › <a href="../index.html#csus">Clinical Service Units</a></div>
<h1>{{ unit.name }}</h1>
<p class="lead">Clinical Service Unit {{ unit.code }} · {{ n_charts }} measure{{ 's' if n_charts != 1 }} charted ·
<span class="dot" style="background:var(--imp)"></span>{{ counts.improvement }} showing improvement ·
<span class="dot" style="background:var(--con)"></span>{{ counts.concern }} showing concern</p>
{{ icon_key() }}
{% for domain, label, cards in domains %}
<section class="domain" id="domain-{{ domain }}">
<h2><span class="bar" aria-hidden="true"></span>{{ label }}</h2>
<div class="grid wide">
{% for c in cards %}<article class="card" data-measure="{{ c.chart.measure.measure_id }}" data-variation="{{ c.chart.variation_icon or '' }}" data-assurance="{{ c.chart.assurance_icon or '' }}">
<header><div><h3><a href="../{{ c.chart.measure.page }}">{{ c.chart.measure.measure_id }} · {{ c.chart.measure.name }}</a></h3>
<div class="val">Latest <b>{{ c.latest }}</b> {{ c.period }} · target {{ c.target }}</div></div>
<div class="icons">{{ c.icons }}</div></header>
{{ c.svg }}
</article>
{% endfor %}</div>
</section>
{% else %}<p class="none panel">None: no charts published for this Clinical Service Unit.</p>
{% endfor %}
"""
