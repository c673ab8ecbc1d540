"""Draws that outgrow one process: the verifiable draw over a partitioned Parquet directory on dask.

:func:`distributed_draw` runs the draw of :func:`randinspect.draw.draw` as tasks per part file on a
``dask.distributed`` cluster and returns the byte-identical :class:`~randinspect.draw.DrawRecord`. Needs
the ``dask`` extra (``pip install 'randinspect[dask]'``). See :doc:`/scale`.

.. versionadded:: 0.1.0
"""

from __future__ import annotations

from randinspect.scale._draw import distributed_draw

__all__ = ["distributed_draw"]
