"""The improvement register's judged side: impact verdicts of QI projects and their spread on
the organisation's own SPC series, and the SPC annotations (intervention and adoption dates,
rebase proposals) that follow from them. The verdict rules live in spc/impact."""
