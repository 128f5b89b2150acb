"""After-action report: plots, HTML and Markdown in Chinese (default) or English."""

from sim.report.build import ReportInputError, write_report

__all__ = ["ReportInputError", "write_report"]
