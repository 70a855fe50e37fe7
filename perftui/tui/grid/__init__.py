"""The indicator grid: a form's indicator rows, edited in place by keyboard."""

from perftui.tui.grid.screen import IndicatorGridScreen, target_reading
from perftui.tui.grid.table import IndicatorTable

__all__ = ["IndicatorGridScreen", "IndicatorTable", "target_reading"]
