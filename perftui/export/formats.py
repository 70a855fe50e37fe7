"""What ``perftui export`` offers: kinds, formats, widths. Constants only.

Its own module so that the CLI's parser can list them in ``--help`` without
importing the export code (or the forms model it needs).
"""

SUMMARY, FORM, INDICATORS = "summary", "form", "indicators"
KINDS = (SUMMARY, FORM, INDICATORS)

TEXT_FORMATS = (
    "plain",
    "simple",
    "grid",
    "simple_grid",
    "rounded_grid",
    "github",
    "pipe",
    "orgtbl",
    "rst",
    "html",
    "tsv",
)
FILE_FORMATS = ("csv", "json", "xlsx")
FORMATS = TEXT_FORMATS + FILE_FORMATS
BINARY_FORMATS = frozenset({"xlsx"})
DEFAULT_FORMAT = "simple"
DEFAULT_WIDTH = 100
MIN_WIDTH, MAX_WIDTH = 30, 1000

#: The file name extension for each format.
EXTENSIONS = {
    "html": ".html",
    "tsv": ".tsv",
    "csv": ".csv",
    "json": ".json",
    "xlsx": ".xlsx",
    "github": ".md",
    "pipe": ".md",
    "orgtbl": ".org",
    "rst": ".rst",
}
