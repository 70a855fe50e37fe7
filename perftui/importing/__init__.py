"""Reading forms from the files units publish: text, .docx, .xlsx and .pdf.

Every source first becomes a :class:`~perftui.importing.grid.Grid` of cells
(:mod:`perftui.importing.grid`); one recognizer (:mod:`perftui.importing.recognize`)
turns a grid into forms by the labels it finds (:mod:`perftui.importing.labels`).
"""
