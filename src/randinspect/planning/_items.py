"""Item lists and district overlays: moved to :mod:`randinspect.items` beside :class:`CheckItem` (one room for
the item concept); re-exported here so existing imports keep working.

.. versionchanged:: 0.1.0
   The classes live in :mod:`randinspect.items`.
"""

from __future__ import annotations

from randinspect.items import (
    AddItem,
    AdjustItem,
    DistrictOverlay,
    EffectiveItem,
    EffectiveList,
    FieldChange,
    ItemList,
    ItemOrigin,
    OverlayChange,
    RemoveItem,
    effective_list,
    load_item_list,
    load_overlay,
)

__all__ = [
    "AddItem",
    "AdjustItem",
    "DistrictOverlay",
    "EffectiveItem",
    "EffectiveList",
    "FieldChange",
    "ItemList",
    "ItemOrigin",
    "OverlayChange",
    "RemoveItem",
    "effective_list",
    "load_item_list",
    "load_overlay",
]
