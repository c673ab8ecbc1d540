"""Tests for item lists, their loaders, district overlays and effective lists."""

from __future__ import annotations

import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from randinspect.errors import CeilingError, ConfigurationError, LoadError, PlanError
from randinspect.items import CheckItem
from randinspect.planning import (
    AddItem,
    AdjustItem,
    DistrictOverlay,
    ItemList,
    ItemOrigin,
    RemoveItem,
    effective_list,
    load_item_list,
    load_overlay,
)

MakeItem = Callable[..., CheckItem]


def _make_item(item_id: str) -> CheckItem:
    return CheckItem(
        id=item_id, name=item_id, department="SAMR", year=2027, scope={}, ratio="0.05", legal_basis=["law|1"]
    )


@pytest.fixture
def city(make_item: MakeItem) -> ItemList:
    return ItemList(
        year=2027,
        items=[
            make_item(id="SAMR-1", scope={"industries": ["44"]}, cap="0.1"),
            make_item(id="SAMR-2", ratio="0.03", frequency=2),
            make_item(id="HEALTH-1", department="HEALTH", scope={"regions": ["520102", "520103"]}),
        ],
        name="贵阳市2027年抽查事项清单",
    )


class TestItemList:
    def test_valid_list(self, city: ItemList) -> None:
        """A valid list exposes its ids and departments."""
        assert city.ids == ("SAMR-1", "SAMR-2", "HEALTH-1")
        assert city.departments == ("HEALTH", "SAMR")
        assert "SAMR-2" in city
        assert len(city) == 3

    def test_duplicate_ids_rejected(self, make_item: MakeItem) -> None:
        """Duplicate ids are reported with both positions."""
        with pytest.raises(ConfigurationError, match=r"item 2 \('A'\): duplicate id, first used by item 1"):
            ItemList(year=2027, items=[make_item(id="A"), make_item(id="A")])

    def test_every_problem_listed(self, make_item: MakeItem) -> None:
        """Wrong year and wrong department are both reported in one error."""
        with pytest.raises(ConfigurationError, match=r"2 problem") as info:
            ItemList(year=2027, department="SAMR", items=[make_item(id="A", year=2026, department="TAX")])
        assert "year 2026" in str(info.value)
        assert "'TAX'" in str(info.value)

    def test_item_without_legal_basis_rejected(self, make_item: MakeItem) -> None:
        """An item without legal basis cannot even be built (§四(四))."""
        with pytest.raises(ConfigurationError, match="legal basis"):
            make_item(legal_basis=[])

    def test_unknown_item(self, city: ItemList) -> None:
        """Asking for an unknown id raises PlanError listing known ids."""
        with pytest.raises(PlanError, match="SAMR-1"):
            city.get("NOPE")

    def test_for_department(self, city: ItemList) -> None:
        """A city list splits into department lists."""
        samr = city.for_department("SAMR")
        assert samr.department == "SAMR"
        assert samr.ids == ("SAMR-1", "SAMR-2")

    def test_round_trip(self, city: ItemList) -> None:
        """to_dict and from_dict round-trip."""
        assert ItemList.from_dict(json.loads(json.dumps(city.to_dict()))).items == city.items


class TestLoaders:
    def test_json(self, city: ItemList, tmp_path: Path) -> None:
        """A JSON list loads, items inheriting year and department."""
        path = tmp_path / "items.json"
        data = city.to_dict()
        for item in data["items"]:
            del item["year"]
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        assert load_item_list(path).items == city.items

    def test_toml(self, tmp_path: Path) -> None:
        """A TOML list with [[items]] tables loads."""
        path = tmp_path / "items.toml"
        path.write_text(
            """
year = 2027
department = "SAMR"
name = "市场监管局清单"

[[items]]
id = "SAMR-1"
name = "食品经营检查"
ratio = "5%"
frequency = 2
scope = { industries = ["5223"] }
legal_basis = [{ title = "《中华人民共和国食品安全法》", article = "第一百一十条" }]
""",
            encoding="utf-8",
        )
        items = load_item_list(path)
        assert items.department == "SAMR"
        assert items.items[0].ratio == Fraction(1, 20)
        assert items.items[0].scope.industries == ("5223",)

    def test_csv(self, tmp_path: Path) -> None:
        """A CSV row with scope columns and two citations loads."""
        path = tmp_path / "items.csv"
        path.write_text(
            "id,name,department,year,category,ratio,frequency,method,legal_basis,scope_industries,scope_regions\n"
            "SAMR-1,食品经营检查,SAMR,2027,general,0.05,1,on_site,"
            "《中华人民共和国食品安全法》|第一百一十条;《食品经营许可管理办法》|,5223;5224,5201\n",
            encoding="utf-8",
        )
        item = load_item_list(path).items[0]
        assert [str(b) for b in item.legal_basis] == [
            "《中华人民共和国食品安全法》 第一百一十条",
            "《食品经营许可管理办法》",
        ]
        assert item.scope.industries == ("5223", "5224")
        assert item.scope.regions == ("5201",)

    def test_csv_without_legal_basis(self, tmp_path: Path) -> None:
        """A CSV row without legal basis is refused with its row and column."""
        path = tmp_path / "items.csv"
        path.write_text("id,name,department,year,ratio,legal_basis\nA,a,SAMR,2027,0.05,\n", encoding="utf-8")
        with pytest.raises(LoadError) as info:
            load_item_list(path)
        problem = info.value.problems[0]
        assert (problem.row, problem.column) == (1, "legal_basis")

    def test_csv_ratio_out_of_range(self, tmp_path: Path) -> None:
        """A ratio above 1 is refused with its row."""
        path = tmp_path / "items.csv"
        path.write_text(
            "id,name,department,year,ratio,legal_basis\nA,a,SAMR,2027,1.5,law|1\n", encoding="utf-8"
        )
        with pytest.raises(LoadError, match="outside") as info:
            load_item_list(path)
        assert info.value.problems[0].row == 1

    def test_csv_missing_columns(self, tmp_path: Path) -> None:
        """Missing required columns are named."""
        path = tmp_path / "items.csv"
        path.write_text("id,name\nA,a\n", encoding="utf-8")
        with pytest.raises(LoadError, match="legal_basis"):
            load_item_list(path)

    @pytest.mark.parametrize(
        ("column", "value"), [("method", "by phone"), ("category", "urgent"), ("ratio", "lots"), ("cap", "2")]
    )
    def test_csv_bad_value_names_column(self, tmp_path: Path, column: str, value: str) -> None:
        """A bad value of an item field is reported with its row, column and value (docs/planning.md)."""
        cells = {"id": "A", "name": "a", "department": "SAMR", "year": "2027", "ratio": "0.05"}
        cells |= {"legal_basis": "law|1", column: value}
        path = tmp_path / "items.csv"
        path.write_text(",".join(cells) + "\n" + ",".join(cells.values()) + "\n", encoding="utf-8")
        with pytest.raises(LoadError) as info:
            load_item_list(path)
        problem = info.value.problems[0]
        assert (problem.row, problem.column, problem.value) == (1, column, value)

    def test_csv_unknown_column_refused(self, tmp_path: Path) -> None:
        """A misspelt column (a scope column here, which would widen the scope unseen) is refused by name."""
        path = tmp_path / "items.csv"
        path.write_text(
            "id,name,department,year,ratio,legal_basis,scope_industry\nA,a,SAMR,2027,0.05,law|1,5223\n",
            encoding="utf-8",
        )
        with pytest.raises(LoadError, match="scope_industries") as info:
            load_item_list(path)
        assert info.value.problems[0].column == "scope_industry"

    def test_csv_in_gb18030(self, tmp_path: Path) -> None:
        """A CSV saved as GB18030 (as Excel does in China) loads like the directory files."""
        path = tmp_path / "items.csv"
        text = "id,name,department,year,ratio,legal_basis\nA,食品检查,SAMR,2027,0.05,《食品安全法》|第一条\n"
        path.write_bytes(text.encode("gb18030"))
        assert load_item_list(path).items[0].name == "食品检查"

    def test_undecodable_file(self, tmp_path: Path) -> None:
        """A JSON file that is not UTF-8 is a LoadError naming the file, not a UnicodeDecodeError."""
        path = tmp_path / "items.json"
        path.write_bytes('{"year": 2027, "name": "清单", "items": []}'.encode("gb18030"))
        with pytest.raises(LoadError, match=r"items\.json"):
            load_item_list(path)

    def test_csv_bad_frequency(self, tmp_path: Path) -> None:
        """A non-integer frequency is reported with row and column."""
        path = tmp_path / "items.csv"
        path.write_text(
            "id,name,department,year,ratio,frequency,legal_basis\nA,a,SAMR,2027,0.05,twice,law|1\n",
            encoding="utf-8",
        )
        with pytest.raises(LoadError) as info:
            load_item_list(path)
        assert (info.value.problems[0].row, info.value.problems[0].column) == (1, "frequency")


class TestEffectiveList:
    def test_city_items_restricted_to_district(self, city: ItemList) -> None:
        """Without overlays every city item applies, limited to the district's area."""
        eff = effective_list(city, [], "520102")
        assert [e.origin for e in eff.entries] == [ItemOrigin.CITY] * 3
        assert all(item.scope.regions == ("520102",) for item in eff.items)

    def test_item_for_other_districts_does_not_apply(self, city: ItemList) -> None:
        """A city item scoped to other districts is listed but not in force."""
        eff = effective_list(city, [], "520111")
        assert "HEALTH-1" not in [i.id for i in eff.items]
        assert "exclude this district" in eff.explain("HEALTH-1")

    def test_adjust_remove_add_explained(self, city: ItemList, make_item: MakeItem) -> None:
        """Each line says where it comes from and what changed, old → new."""
        overlay = DistrictOverlay(
            district="520102",
            year=2027,
            provenance="南明区市场监管局〔2026〕12号",
            changes=[
                AdjustItem(item_id="SAMR-1", ratio="0.1", scope={"industries": ["4411"]}, reason="燃气风险"),
                RemoveItem(item_id="SAMR-2", reason="辖区无此类对象"),
                AddItem(item=make_item(id="NM-1"), reason="辖区重点"),
            ],
        )
        eff = effective_list(city, [overlay], "520102")
        origins = {e.item.id: e.origin for e in eff.entries}
        assert origins == {
            "SAMR-1": ItemOrigin.DISTRICT_ADJUSTED,
            "SAMR-2": ItemOrigin.DISTRICT_REMOVED,
            "HEALTH-1": ItemOrigin.CITY,
            "NM-1": ItemOrigin.DISTRICT_ADDED,
        }
        text = eff.explain("SAMR-1")
        assert "ratio: 0.05 → 0.1" in text
        assert "scope.industries: 44 → 4411" in text
        assert "燃气风险" in text
        assert [i.id for i in eff.items] == ["SAMR-1", "HEALTH-1", "NM-1"]
        adjusted = next(i for i in eff.items if i.id == "SAMR-1")
        assert adjusted.ratio == Fraction(1, 10)
        assert adjusted.scope.industries == ("4411",)
        assert eff.to_records()[1]["origin"] == "district-removed"

    def test_other_districts_overlays_ignored(self, city: ItemList) -> None:
        """An overlay of another district does not change this district's list."""
        overlay = DistrictOverlay(district="520103", year=2027, changes=[RemoveItem(item_id="SAMR-1")])
        eff = effective_list(city, [overlay], "520102")
        assert "SAMR-1" in [i.id for i in eff.items]

    def test_unknown_items_rejected_all_listed(self, city: ItemList) -> None:
        """Overlays naming unknown items raise PlanError listing every problem; nothing is applied."""
        overlay = DistrictOverlay(
            district="520102",
            year=2027,
            changes=[
                RemoveItem(item_id="SAMR-1"),
                RemoveItem(item_id="NOPE-1"),
                AdjustItem(item_id="NOPE-2"),
            ],
        )
        with pytest.raises(PlanError, match=r"2 problem.*NOPE-1.*NOPE-2"):
            effective_list(city, [overlay], "520102")

    def test_widening_scope_rejected(self, city: ItemList) -> None:
        """A district may only narrow a city item's scope."""
        overlay = DistrictOverlay(
            district="520102", year=2027, changes=[AdjustItem(item_id="SAMR-1", scope={"industries": ["52"]})]
        )
        with pytest.raises(PlanError, match="only narrow"):
            effective_list(city, [overlay], "520102")

    @pytest.mark.parametrize(
        ("city_industries", "narrowed", "narrower"),
        [
            (["H"], ["62"], True),  # 62 餐饮业 lies in section H
            (["H"], ["H6210"], True),
            (["C13"], ["1311"], True),
            (["H"], ["13"], False),  # 13 lies in section C
            (["62"], ["H"], False),
        ],
    )
    def test_industry_sections_and_codes(
        self, make_item: MakeItem, city_industries: list[str], narrowed: list[str], narrower: bool
    ) -> None:
        """Narrowing compares industries by the GB/T 4754 tree: a division lies inside its section letter."""
        city = ItemList(year=2027, items=[make_item(id="SAMR-1", scope={"industries": city_industries})])
        overlay = DistrictOverlay(
            district="520102",
            year=2027,
            changes=[AdjustItem(item_id="SAMR-1", scope={"industries": narrowed})],
        )
        if narrower:
            assert effective_list(city, [overlay], "520102").items[0].scope.industries == tuple(narrowed)
        else:
            with pytest.raises(PlanError, match="only narrow"):
                effective_list(city, [overlay], "520102")

    def test_added_item_outside_district_rejected(self, city: ItemList, make_item: MakeItem) -> None:
        """An added item scoped to another district is refused."""
        overlay = DistrictOverlay(
            district="520102",
            year=2027,
            changes=[AddItem(item=make_item(id="X", scope={"regions": ["520103"]}))],
        )
        with pytest.raises(PlanError, match="outside district"):
            effective_list(city, [overlay], "520102")

    def test_added_id_collision_rejected(self, city: ItemList, make_item: MakeItem) -> None:
        """An added item cannot reuse a city id."""
        overlay = DistrictOverlay(
            district="520102", year=2027, changes=[AddItem(item=make_item(id="SAMR-1"))]
        )
        with pytest.raises(PlanError, match="already exists"):
            effective_list(city, [overlay], "520102")

    def test_removing_twice_rejected(self, city: ItemList) -> None:
        """Removing an item twice is an error."""
        overlay = DistrictOverlay(
            district="520102", year=2027, changes=[RemoveItem(item_id="SAMR-1"), RemoveItem(item_id="SAMR-1")]
        )
        with pytest.raises(PlanError, match="already removed"):
            effective_list(city, [overlay], "520102")

    def test_wrong_year_rejected(self, city: ItemList) -> None:
        """An overlay for another year is refused."""
        overlay = DistrictOverlay(district="520102", year=2026, changes=[RemoveItem(item_id="SAMR-1")])
        with pytest.raises(PlanError, match="2026"):
            effective_list(city, [overlay], "520102")

    def test_bad_district_code(self) -> None:
        """District codes are six digits."""
        with pytest.raises(ConfigurationError):
            DistrictOverlay(district="5201", year=2027, changes=[])

    def test_overlay_file(self, city: ItemList, tmp_path: Path) -> None:
        """An overlay loads from JSON."""
        path = tmp_path / "overlay.json"
        path.write_text(
            json.dumps(
                {
                    "district": "520102",
                    "year": 2027,
                    "provenance": "doc 1",
                    "adjust": [{"item_id": "SAMR-2", "frequency": 1, "reason": "lower risk"}],
                    "remove": [{"item_id": "HEALTH-1"}],
                }
            ),
            encoding="utf-8",
        )
        eff = effective_list(city, [load_overlay(path)], "520102")
        assert "frequency: 2 → 1" in eff.explain("SAMR-2")

    def test_bad_overlay_file(self, tmp_path: Path) -> None:
        """A malformed overlay file raises LoadError."""
        path = tmp_path / "overlay.json"
        path.write_text('{"year": 2027}', encoding="utf-8")
        with pytest.raises(LoadError):
            load_overlay(path)

    @settings(deadline=None, max_examples=50)
    @given(data=st.data())
    def test_items_in_force_are_city_minus_removed_plus_added(self, data: st.DataObject) -> None:
        """The items in force are the city's minus the removed ones plus the added ones, in that order."""
        n = data.draw(st.integers(1, 8))
        city = ItemList(year=2027, items=[_make_item(f"C{i}") for i in range(n)])
        removed = data.draw(st.sets(st.sampled_from(city.ids)))
        added = [f"A{i}" for i in range(data.draw(st.integers(0, 3)))]
        overlay = DistrictOverlay(
            district="520102",
            year=2027,
            changes=[RemoveItem(item_id=i) for i in sorted(removed)]
            + [AddItem(item=_make_item(a)) for a in added],
        )
        eff = effective_list(city, [overlay], "520102")
        assert [i.id for i in eff.items] == [i for i in city.ids if i not in removed] + added


class TestOverlayCeilings:
    """Overlays may raise a ratio up to the item's ceiling, never the ceiling itself (§四(五))."""

    @settings(deadline=None, max_examples=60)
    @given(st.fractions(min_value=0, max_value=1), st.sampled_from(["SAMR-1", "SAMR-2"]))
    def test_overlay_never_raises_a_ceiling(self, ratio: Fraction, item_id: str) -> None:
        """Either the adjusted item keeps the city's ceiling with its ratio at most that ceiling, or the
        overlay is refused with a CeilingError naming the item, the district and the ceiling."""
        city = ItemList(
            year=2027,
            items=[
                CheckItem(
                    id="SAMR-1",
                    name="a",
                    department="SAMR",
                    year=2027,
                    scope={},
                    ratio="0.05",
                    cap="0.1",
                    legal_basis=["law"],
                ),
                CheckItem(
                    id="SAMR-2",
                    name="b",
                    department="SAMR",
                    year=2027,
                    scope={},
                    ratio="0.03",
                    legal_basis=["law"],
                ),
            ],
        )
        original = next(i for i in city.items if i.id == item_id)
        overlay = DistrictOverlay(
            district="520102", year=2027, changes=[AdjustItem(item_id=item_id, ratio=ratio)]
        )
        if original.cap is not None and ratio > original.cap:
            with pytest.raises(CeilingError, match=rf"{item_id}.*520102|520102.*{item_id}") as info:
                effective_list(city, [overlay], "520102")
            assert "ceiling" in str(info.value)
            return
        eff = effective_list(city, [overlay], "520102")
        adjusted = next(i for i in eff.items if i.id == item_id)
        assert adjusted.cap == original.cap
        assert original.cap is None or adjusted.ratio <= original.cap

    def test_ceiling_error_is_a_plan_error(self, city: ItemList) -> None:
        """The ceiling error is a PlanError, so callers catching plan problems still catch it."""
        overlay = DistrictOverlay(
            district="520102", year=2027, changes=[AdjustItem(item_id="SAMR-2", ratio="0.2")]
        )
        with pytest.raises(PlanError, match=r"past its ceiling 0\.03"):
            effective_list(city, [overlay], "520102")


class TestOverlayFromDict:
    def test_missing_field_named(self) -> None:
        """A missing field raises ConfigurationError naming it."""
        with pytest.raises(ConfigurationError, match="'item_id'"):
            DistrictOverlay.from_dict({"district": "520102", "year": 2027, "remove": [{"reason": "x"}]})

    def test_add_inherits_year(self) -> None:
        """An added item takes the overlay's year when it has none."""
        overlay = DistrictOverlay.from_dict(
            {
                "district": "520102",
                "year": 2027,
                "add": [
                    {
                        "item": {
                            "id": "NM-1",
                            "name": "n",
                            "department": "SAMR",
                            "scope": {},
                            "ratio": "0.1",
                            "legal_basis": ["law|1"],
                        },
                        "reason": "辖区重点",
                    }
                ],
            }
        )
        (change,) = overlay.changes
        assert isinstance(change, AddItem)
        assert change.item.year == 2027
