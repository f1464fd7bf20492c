"""Templates of the improvement pages: the portfolio (with Limits to review) and one page per
active or recently closed project. Same conventions as templates.py: inline, no script."""

from __future__ import annotations

VERDICT_BADGE = """{% macro verdict_badge(v) %}<span class="badge b-{{ v.css }}" data-verdict="{{ v.verdict }}">{{ v.label }}</span>{% endmacro %}"""

COUNT_TABLE = """{% macro count_table(caption, rows, columns, id) %}
<div class="tablewrap"><table class="counts" id="{{ id }}">
<caption class="small muted" style="text-align:left;padding:6px 10px">{{ caption }}</caption>
<thead><tr><th scope="col"></th>{% for c in columns %}<th scope="col" class="num">{{ c }}</th>{% endfor %}<th scope="col" class="num">Total</th><th scope="col" class="num">Active</th><th scope="col" class="num">Involvement</th></tr></thead>
<tbody>{% for r in rows %}<tr data-key="{{ r.key }}"><th scope="row">{{ r.label }}</th>{% for n in r.cells %}<td class="num">{{ n or '·' }}</td>{% endfor %}<td class="num"><b>{{ r.total }}</b></td><td class="num">{{ r.active }}</td><td class="num">{{ r.involvement }}</td></tr>
{% endfor %}</tbody></table></div>
{% endmacro %}"""

PORTFOLIO = VERDICT_BADGE + COUNT_TABLE + """
<div class="crumbs"><a href="../index.html">Board summary</a></div>
<h1>Improvement portfolio</h1>
<p class="lead">The trust's register of quality improvement projects: where they are, what they
work on, and what the organisation's own SPC charts say about their impact. Each verdict is
recomputed every night by fixed rules (limits from up to 24 points before the change, the four
Making Data Count rules on the points since). Projects are named by their register id: titles
and change ideas are free text and are not published below organisation level.</p>
{% if empty %}<p class="none panel">None: no improvement register published.</p>{% else %}
<div class="tiles" aria-label="Portfolio at a glance">
<div class="tile"><div class="n" id="n-projects">{{ tiles.projects }}</div><div class="t">projects in the register</div></div>
<div class="tile imp"><div class="n" id="n-active">{{ tiles.active }}</div><div class="t">active (testing to sustaining)</div></div>
<div class="tile pass"><div class="n" id="n-involvement">{{ tiles.involvement }}</div><div class="t">of active projects involve patients or a Quality Partner</div></div>
<div class="tile imp"><div class="n">{{ tiles.sustained }}</div><div class="t">outcome measures with sustained improvement</div></div>
<div class="tile sig"><div class="n">{{ tiles.adoptions }}</div><div class="t">adoptions of a change by another CSU</div></div>
<div class="tile dq"><div class="n">{{ tiles.walks }}</div><div class="t">waste walks in the last 12 months</div></div>
<div class="tile dq"><div class="n">{{ tiles.events }}</div><div class="t">improvement events in the last 12 months</div></div>
</div>

<section id="by-csu"><h2>Projects by Clinical Service Unit and stage</h2>
{{ count_table('Leading CSU × stage. Involvement: share of active projects with patients or a Quality Partner in the team.', by_csu, stages, 'stage-by-csu') }}</section>
<section id="by-goal"><h2>Projects by strategy goal and stage</h2>
{{ count_table('Improvement Strategy goal × stage.', by_goal, stages, 'stage-by-goal') }}</section>

<section id="verdicts"><h2>Impact verdicts</h2>
<p class="small muted">One verdict per project × linked measure × unit (scope project) and per CSU that adopted a project's change (scope spread).</p>
<div class="tablewrap"><table class="verdicts"><thead><tr><th scope="col">Verdict</th><th scope="col" class="num">Project measures</th><th scope="col" class="num">of them outcome</th><th scope="col" class="num">Spread</th></tr></thead>
<tbody>{% for v in verdicts %}<tr data-verdict="{{ v.verdict }}"><td>{{ verdict_badge(v) }}</td><td class="num">{{ v.project }}</td><td class="num">{{ v.outcome }}</td><td class="num">{{ v.spread }}</td></tr>
{% endfor %}</tbody></table></div></section>

<section id="projects"><h2>Active and recently closed projects</h2>
{% if projects %}<div class="tablewrap"><table class="projects"><thead><tr><th scope="col">Project</th><th scope="col">Leading CSU</th><th scope="col">Goal</th><th scope="col">Stage</th><th scope="col" class="num">Started</th><th scope="col" class="num">PDSA cycles</th><th scope="col">Team</th><th scope="col">Outcome verdicts</th></tr></thead>
<tbody>{% for p in projects %}<tr data-project="{{ p.id }}"><td><a href="{{ p.href }}">{{ p.id }}</a></td><td>{{ p.csu }}</td><td>{{ p.goal }}</td><td>{{ p.stage }}</td><td class="num">{{ p.start }}</td><td class="num">{{ p.cycles }}</td><td class="small">{{ p.team }}</td>
<td>{% for v in p.verdicts %}{{ verdict_badge(v) }} {% else %}<span class="muted small">no outcome measure</span>{% endfor %}</td></tr>
{% endfor %}</tbody></table></div>{% else %}<p class="none panel">None: no active or recently closed projects.</p>{% endif %}</section>

<section id="spread"><h2>Spread</h2>
{% if spread %}<div class="tablewrap"><table class="spread"><thead><tr><th scope="col">Project</th><th scope="col">Leading CSU</th><th scope="col">Adopting CSU</th><th scope="col">Where</th><th scope="col">Status</th><th scope="col" class="num">Adopted</th><th scope="col">Verdicts there</th></tr></thead>
<tbody>{% for s in spread %}<tr data-project="{{ s.id }}" data-csu="{{ s.csu_code }}"><td>{% if s.href %}<a href="{{ s.href }}">{{ s.id }}</a>{% else %}{{ s.id }}{% endif %}</td><td>{{ s.lead }}</td><td>{{ s.csu }}</td><td>{{ s.where }}</td><td>{{ s.status }}</td><td class="num">{{ s.adopted }}</td>
<td>{% for v in s.verdicts %}{{ verdict_badge(v) }} {% endfor %}</td></tr>
{% endfor %}</tbody></table></div>{% else %}<p class="none panel">None: no change has spread yet.</p>{% endif %}</section>

<section id="waste-walks"><h2>Waste walks, last 12 months</h2>
{% if walks %}<div class="tablewrap"><table class="walks"><thead><tr><th scope="col">CSU</th><th scope="col" class="num">Walks</th><th scope="col" class="num">Observations</th><th scope="col" class="num">Actions raised</th><th scope="col" class="num">Completed</th><th scope="col" class="num">Completed, %</th></tr></thead>
<tbody>{% for w in walks %}<tr data-csu="{{ w.code }}"><td>{{ w.csu }}</td><td class="num">{{ w.walks }}</td><td class="num">{{ w.observations }}</td><td class="num">{{ w.raised }}</td><td class="num">{{ w.completed }}</td><td class="num">{{ w.share }}</td></tr>
{% endfor %}</tbody></table></div>{% else %}<p class="none panel">None: no waste walks in the last 12 months.</p>{% endif %}</section>

<section id="events"><h2>Report-outs and events, last 12 months</h2>
{% if events %}<div class="tablewrap"><table class="events"><thead><tr><th scope="col" class="num">Date</th><th scope="col">Event</th><th scope="col" class="num">Attendees</th><th scope="col">Executive present</th><th scope="col" class="num">Partner organisations</th><th scope="col" class="num">Projects presented</th></tr></thead>
<tbody>{% for e in events %}<tr data-event="{{ e.id }}"><td class="num">{{ e.date }}</td><td>{{ e.type }}</td><td class="num">{{ e.attendees }}</td><td>{{ e.executive }}</td><td class="num">{{ e.partners }}</td><td class="num">{{ e.presented }}</td></tr>
{% endfor %}</tbody></table></div>{% else %}<p class="none panel">None: no events in the last 12 months.</p>{% endif %}</section>
{% endif %}

<section id="limits-to-review"><h2>Limits to review</h2>
<p class="small muted">Where a project's change moved a measure for good (sustained improvement) or for worse (deterioration), the pipeline proposes to recalculate that chart's limits from the period its new level begins. It never does so by itself: a person confirms by adding the date to the SPC rebase list (<code>spc_rebase_dates</code>) with a reason. Local measures are listed but have no scorecard chart to rebase.</p>
{% if proposals %}<div class="tablewrap"><table class="proposals"><thead><tr><th scope="col">Project</th><th scope="col">Measure</th><th scope="col">Unit</th><th scope="col">Verdict</th><th scope="col" class="num">Proposed from</th><th scope="col">Why</th><th scope="col">Status</th></tr></thead>
<tbody>{% for r in proposals %}<tr data-project="{{ r.id }}" data-measure="{{ r.measure_id }}" data-unit="{{ r.unit_code }}" data-confirmed="{{ 'true' if r.confirmed else 'false' }}"><td>{% if r.href %}<a href="{{ r.href }}">{{ r.id }}</a>{% else %}{{ r.id }}{% endif %}</td>
<td>{% if r.measure_href %}<a href="{{ r.measure_href }}">{{ r.measure }}</a>{% else %}{{ r.measure }}{% endif %}</td><td>{{ r.unit }}</td><td>{{ verdict_badge(r.v) }}</td><td class="num">{{ r.proposed }}</td><td class="small">{{ r.reason }}</td>
<td>{% if r.confirmed %}<span class="st st-pass">Confirmed: rebased</span>{% else %}<span class="st st-warn">To review</span>{% endif %}</td></tr>
{% endfor %}</tbody></table></div>{% else %}<p class="none panel">None: no limits to review.</p>{% endif %}</section>
"""

PROJECT = VERDICT_BADGE + """
<div class="crumbs"><a href="../index.html">Board summary</a> › <a href="index.html">Improvement portfolio</a></div>
<h1>{{ p.id }} · {{ p.csu }}</h1>
<p class="lead">{{ p.goal }} · stage <b>{{ p.stage }}</b>{% if p.since %} since {{ p.since }}{% endif %} · started {{ p.start }}{% if p.end %} · ended {{ p.end }}{% endif %}{% if p.progress %} · progress score {{ p.progress }}{% endif %}{% if p.lead_group %} · led by {{ p.lead_group }}{% endif %}{% if p.presented %} · presented at {{ p.presented }}{% endif %}</p>
<section class="panel" id="aim"><h2 style="margin-top:0">Aim</h2>
{% for a in aims %}<p style="margin:4px 0">{{ a }}</p>{% else %}<p class="muted">No outcome measure linked.</p>{% endfor %}
<p class="small" id="team">Team: <span class="st {{ 'st-pass' if p.patients else 'st-warn' }}" data-flag="patients">Patients {{ 'involved' if p.patients else 'not involved' }}</span>
<span class="st {{ 'st-pass' if p.partner else 'st-warn' }}" data-flag="quality-partner">Quality Partner {{ 'in the team' if p.partner else 'not in the team' }}</span></p>
<p class="small muted">Intervention date {{ p.intervention }} ({{ p.basis }}).</p>
</section>
<section id="pdsa"><h2>PDSA cycles</h2>
{% if changes %}<div class="chartbox panel">{{ timeline }}</div>
<div class="tablewrap"><table class="pdsa"><thead><tr><th scope="col" class="num">Cycle</th><th scope="col" class="num">Started</th><th scope="col" class="num">Ended</th><th scope="col">Decision</th><th scope="col" class="num">Standard work from</th></tr></thead>
<tbody>{% for c in changes %}<tr data-cycle="{{ c.cycle }}"><td class="num">{{ c.cycle }}</td><td class="num">{{ c.start }}</td><td class="num">{{ c.end }}</td><td>{{ c.decision }}</td><td class="num">{{ c.implemented }}</td></tr>
{% endfor %}</tbody></table></div>{% else %}<p class="none panel">None: no PDSA cycle recorded yet.</p>{% endif %}</section>
<section id="measures"><h2>Measures and verdicts</h2>
{% for m in measures %}<article class="panel measure-impact" data-measure="{{ m.measure_id }}" data-level="{{ m.level }}" data-unit="{{ m.unit_code }}" data-scope="{{ m.scope }}" data-verdict="{{ m.v.verdict }}">
<header style="display:flex;justify-content:space-between;gap:12px;align-items:flex-start"><h3>{% if m.href %}<a href="{{ m.href }}">{{ m.title }}</a>{% else %}{{ m.title }}{% endif %}</h3>{{ verdict_badge(m.v) }}</header>
<p class="small muted" style="margin:0 0 6px">{{ m.subtitle }}</p>
<p class="verdict-words">{{ m.words }}</p>
<div class="stats"><div>Before the change<b>{{ m.baseline_mean }}</b></div><div>Since the change<b>{{ m.post_mean }}</b></div><div>Effect<b>{{ m.effect }}</b></div><div>Points before / since<b>{{ m.points }}</b></div><div>Limits before<b>{{ m.limits }}</b></div></div>
<div class="chartbox">{{ m.svg }}</div>
</article>
{% else %}<p class="none panel">None: no measure linked to this project.</p>{% endfor %}</section>
{% if spread %}<section id="spread"><h2>Spread</h2>
<div class="tablewrap"><table class="spread"><thead><tr><th scope="col">Adopting CSU</th><th scope="col">Where</th><th scope="col">Status</th><th scope="col" class="num">Adopted</th></tr></thead>
<tbody>{% for s in spread %}<tr data-csu="{{ s.csu_code }}"><td>{{ s.csu }}</td><td>{{ s.where }}</td><td>{{ s.status }}</td><td class="num">{{ s.adopted }}</td></tr>{% endfor %}</tbody></table></div></section>{% endif %}
"""
