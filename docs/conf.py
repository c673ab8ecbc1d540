"""Sphinx configuration for randinspect's documentation."""

from __future__ import annotations

import randinspect

project = "randinspect"
author = "randinspect developers"
copyright = "2026, randinspect developers"
release = randinspect.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]

myst_enable_extensions = ["colon_fence", "deflist", "dollarmath"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False

# Cross references to types the docs cannot resolve (numpy, attrs internals, forward references) would fail
# the -W build without saying anything useful to a reader; keep nitpicky off and rely on autodoc's text.
nitpicky = False
suppress_warnings = ["myst.header"]

html_theme = "alabaster"
html_title = "randinspect"
doctest_test_doctest_blocks = ""  # docstring examples run under pytest --doctest-modules, with module globals
