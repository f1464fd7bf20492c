"""The improvement register's published tables (dbt models/published/pub_qi_*.sql and friends),
named once here for the disclosure registry and the report.

None of them carries a figure of a scorecard cell, so the disclosure policy has nothing to
withhold in them (`PublicTable`): they are the register's own codes, dates, flags and counts
(stages, PDSA dates and decisions, spread status, waste-walk findings, event attendance). Its
free text (titles, programmes, change ideas, local measure names) is never published below
organisation level, and every one of these rows is a project, a walk or a CSU's adoption, so
the dbt models leave that text out altogether. The verdicts, markers and rebase proposals,
which rest on scorecard cells, are H9's judged tables (improvement/tables.py, judged.py).

Local measures (`qi_local_measure_values`) are a project team's own process audit at project
level, not a scorecard cell: the policy (counts of 1-4 and small surveys below the organisation)
has no cell for them; they are published as the impact verdicts judge them (value only).
"""

QI_PROJECTS = "qi_projects"
QI_PROJECT_STAGES = "qi_project_stages"
QI_PDSA_LOG = "qi_pdsa_log"
QI_PROJECT_MEASURES = "qi_project_measures"
QI_LOCAL_MEASURE_VALUES = "qi_local_measure_values"
QI_SPREAD = "qi_spread"
WASTE_WALKS = "waste_walks"
IMPROVEMENT_EVENTS = "improvement_events"
IMPROVEMENT_EVENT_PROJECTS = "improvement_event_projects"

REGISTER_TABLES = (QI_PROJECTS, QI_PROJECT_STAGES, QI_PDSA_LOG, QI_PROJECT_MEASURES,
                   QI_LOCAL_MEASURE_VALUES, QI_SPREAD, WASTE_WALKS, IMPROVEMENT_EVENTS,
                   IMPROVEMENT_EVENT_PROJECTS)

# the register's free text: never a column of a published table
FREE_TEXT_COLUMNS = ("title", "programme", "change_idea", "measure_name")
