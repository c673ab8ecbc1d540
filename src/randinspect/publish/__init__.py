"""The publication site (一公开): a year's records as static web pages with an in-browser draw verifier.

:func:`publish` turns a records folder (what ``randinspect demo`` or ``randinspect plan`` write, plus the
object directory) into a self-contained static website: the year's index, each department and district,
the check-item list with legal bases, each draw before and after its seed, the joint plan, CSV and JSON
downloads of every table, and ``verify.html``, where anyone re-runs a draw in the browser with
``assets/verify.js``, a dependency-free JavaScript implementation of ``docs/draw-spec.md``. Every draw is
verified before anything is written; a draw that does not verify is never published.

Sections come from a registry (:class:`Section`, :data:`DEFAULT_SECTIONS`), each built only from the
files present. After the visit, the published results (公示结果, per department and district, exactly the rows
of the results package's publication: :func:`public_results`), the overdue list (逾期清单) and the
assessment (考核评估) with its charts and referral counts come from the results package's files.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from randinspect.publish._html import Html, Page, Para, Table, Text
from randinspect.publish._records import RECORD_FILES, STORE_KINDS, DrawEntry, YearRecords, load_records
from randinspect.publish._results import PublicResults, public_results
from randinspect.publish._sections import DEFAULT_SECTIONS, Section, SiteData
from randinspect.publish._site import SITE_MARKER, PublishReport, public_frame_csv, publish

__all__ = [
    "DEFAULT_SECTIONS",
    "RECORD_FILES",
    "SITE_MARKER",
    "STORE_KINDS",
    "DrawEntry",
    "Html",
    "Page",
    "Para",
    "PublicResults",
    "PublishReport",
    "Section",
    "SiteData",
    "Table",
    "Text",
    "YearRecords",
    "load_records",
    "public_frame_csv",
    "public_results",
    "publish",
]
