"""perftui: keep 本级预算项目绩效目标表 in a shared local database, from the terminal."""

__version__ = "0.1.0"
