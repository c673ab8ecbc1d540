"""Tests of randinspect.scale.distributed_draw on a real two-worker dask LocalCluster (processes)."""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from randinspect.directory import ObjectDirectory, Scope
from randinspect.draw import ComplaintRule, StratifiedPolicy, TieredPolicy, draw, verify
from randinspect.errors import (
    CeilingError,
    ComplaintWindowError,
    ConfigurationError,
    InputError,
    WorkerLostError,
)
from randinspect.items import CheckItem
from randinspect.model import ComplaintChannel, ComplaintRecord
from randinspect.testing._directory import object_records

pytest.importorskip("pyarrow")
distributed = pytest.importorskip("distributed")
from randinspect.scale import distributed_draw  # noqa: E402

# The client's threads (heartbeats, retries) draw from the global `random` module while hypothesis
# generates a directory in the test's thread; hypothesis takes that for a strategy using `random` and warns.
# The strategies here use no randomness of their own, so that one warning is ignored.
_CLUSTER_RANDOM = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies:hypothesis.errors.HypothesisDeprecationWarning"
)

LEGAL = [{"title": "《中华人民共和国食品安全法》", "article": "第一百一十条"}]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A LocalCluster of two worker processes (one thread each) and its client."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", memory_limit="2GiB"
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> tuple[ObjectDirectory, Path]:
    """A demo city of 200,000 objects and the same directory as 8 Parquet part files."""
    from randinspect.datasets import demo_city

    d = demo_city(n_objects=200_000, seed=11).objects
    root = tmp_path_factory.mktemp("scale") / "objects"
    d.to_parquet(root, rows_per_file=25_000)
    return d, root


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[ObjectDirectory, Path]:
    """A demo city of 20,000 objects as 4 Parquet part files (for the worker-loss tests)."""
    from randinspect.datasets import demo_city

    d = demo_city(n_objects=20_000, seed=12).objects
    root = tmp_path_factory.mktemp("scale-small") / "objects"
    d.to_parquet(root, rows_per_file=5_000)
    return d, root


def item_for(
    d: ObjectDirectory,
    *,
    cap: str | None = "6%",
    ratio: str = "3%",
    frequency: int = 1,
    cap_period: str = "year",
) -> CheckItem:
    key_tag = next((t for t in d.tag_vocabulary if t.startswith("SAMR:key:")), None)
    return CheckItem(
        frequency=frequency,
        cap_period=cap_period,
        id="SAMR-2027-009",
        name="食品经营检查",
        department="SAMR",
        year=2027,
        scope=Scope(),
        ratio=ratio,
        cap=cap,
        legal_basis=LEGAL,
        key_scope=None if key_tag is None else Scope(tags_any=[key_tag]),
    )


class TestByteIdentical:
    def test_tiered_draw_of_200k_objects(self, client: Any, big: tuple[ObjectDirectory, Path]) -> None:
        """The distributed record is the in-memory one byte for byte and verifies against the directory."""
        d, root = big
        alive = d.ids[d.alive].tolist()
        policy = TieredPolicy(key_ids=alive[:4], filed_case_ids=alive[100:110], referral_ids=alive[-3:])
        item = item_for(d)
        stages: list[str] = []
        record = distributed_draw(
            root, item, "8 3 1 9 0", client=client, policy=policy, progress=stages.append
        )
        expected = draw(d, item, "8 3 1 9 0", policy=policy)
        assert record.to_json() == expected.to_json()
        assert stages == ["frame", "tickets", "select", "record"]
        assert record.opening == expected.opening
        verify(record, d, opening=record.opening_json_dict())

    def test_stratified_and_rounds(self, client: Any, big: tuple[ObjectDirectory, Path]) -> None:
        """Stratified draws by region, and a second round, are byte-identical too."""
        d, root = big
        item = item_for(d, cap=None, ratio="1%")
        for kwargs in ({"policy": StratifiedPolicy(), "stratum": "region"}, {"year": 2028}):
            record = distributed_draw(root, item, "seed-7", client=client, **kwargs)
            assert record.to_json() == draw(d, item, "seed-7", **kwargs).to_json()

    @_CLUSTER_RANDOM
    @settings(deadline=None, max_examples=4, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        recs=object_records(min_size=1, max_size=40),
        per_file=st.integers(1, 9),
        seed=st.text(alphabet="0123456789 ", min_size=1, max_size=8).filter(str.strip),
    )
    def test_any_small_directory(
        self,
        client: Any,
        tmp_path_factory: pytest.TempPathFactory,
        recs: list[dict[str, Any]],
        per_file: int,
        seed: str,
    ) -> None:
        """Any valid directory, cut into parts of any size, draws the record the in-memory draw makes."""
        d = ObjectDirectory.from_records(recs)
        if not d.alive.any():
            return
        root = tmp_path_factory.mktemp("small") / "ds"
        d.to_parquet(root, rows_per_file=per_file)
        item = item_for(d, cap=None, ratio="40%")
        assert distributed_draw(root, item, seed, client=client).to_json() == draw(d, item, seed).to_json()

    @_CLUSTER_RANDOM
    @settings(deadline=None, max_examples=6, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        recs=object_records(min_size=1, max_size=40),
        per_file=st.integers(1, 9),
        kind=st.sampled_from(["tiered", "stratified"]),
        ratio_mode=st.sampled_from(["volume", "absolute"]),
        units=st.sampled_from(["shared", "independent"]),
        disclosure=st.sampled_from(["public", "auditors"]),
        frequency=st.integers(1, 3),
        data=st.data(),
    )
    def test_any_version_2_mode(
        self,
        client: Any,
        tmp_path_factory: pytest.TempPathFactory,
        recs: list[dict[str, Any]],
        per_file: int,
        kind: str,
        ratio_mode: Literal["volume", "absolute"],
        units: Literal["shared", "independent"],
        disclosure: Literal["public", "auditors"],
        frequency: int,
        data: st.DataObject,
    ) -> None:
        """Any version 2 mode (ratio mode, units, disclosure, rounds, cap period) over any cut of any small
        directory gives the in-memory record, byte for byte, and the same opening."""
        d = ObjectDirectory.from_records(recs)
        if not d.alive.any():
            return
        root = tmp_path_factory.mktemp("modes") / "ds"
        d.to_parquet(root, rows_per_file=per_file)
        cap = data.draw(st.sampled_from([None, "50%", "100%"]))
        item = item_for(
            d,
            cap=cap,
            ratio="30%",
            frequency=frequency,
            cap_period=data.draw(st.sampled_from(["year", "round"])),
        )
        rnd = data.draw(st.integers(1, frequency))
        policy: TieredPolicy | StratifiedPolicy
        if kind == "tiered":
            alive = d.ids[d.alive].tolist()
            policy = TieredPolicy(
                ratio_mode=ratio_mode,
                units=units,
                disclosure=disclosure,
                filed_case_ids=alive[:1],
                reason_salt="5a" * 32,
            )
        else:
            policy = StratifiedPolicy(ratio_mode=ratio_mode, units=units)
        expected = draw(d, item, "7 7", policy=policy, round=rnd)
        record = distributed_draw(root, item, "7 7", client=client, policy=policy, round=rnd)
        assert record.to_json() == expected.to_json()
        assert record.opening == expected.opening
        assert record.starts == expected.starts


class TestVersion2Modes:
    @pytest.mark.parametrize(
        ("policy", "item_kwargs", "draw_kwargs"),
        [
            (TieredPolicy(ratio_mode="absolute"), {"frequency": 2, "cap_period": "round"}, {"round": 2}),
            (TieredPolicy(), {"frequency": 3, "cap": "4%", "ratio": "4%"}, {"round": 2}),
            (TieredPolicy(units="independent", disclosure="auditors"), {}, {}),
            (StratifiedPolicy(units="independent"), {"frequency": 2}, {"round": 1, "stratum": "region"}),
            (StratifiedPolicy(ratio_mode="absolute"), {"frequency": 2, "cap_period": "round"}, {"round": 2}),
        ],
        ids=[
            "tiered-absolute-round-cap",
            "tiered-volume-yearly-cap-round-2-of-3",
            "tiered-independent-auditors",
            "stratified-independent",
            "stratified-absolute",
        ],
    )
    def test_mode_is_byte_identical(
        self,
        client: Any,
        small: tuple[ObjectDirectory, Path],
        policy: TieredPolicy | StratifiedPolicy,
        item_kwargs: dict[str, Any],
        draw_kwargs: dict[str, Any],
    ) -> None:
        """Each version 2 mode of 20,000 objects in 4 parts gives the in-memory record and opening exactly."""
        d, root = small
        alive = d.ids[d.alive].tolist()
        if isinstance(policy, TieredPolicy):
            policy = attrs.evolve(policy, key_ids=alive[:3], referral_ids=alive[500:505])
        item = item_for(d, **item_kwargs)
        record = distributed_draw(root, item, "31 4 15", client=client, policy=policy, **draw_kwargs)
        expected = draw(d, item, "31 4 15", policy=policy, **draw_kwargs)
        assert record.to_json() == expected.to_json()
        assert record.opening == expected.opening
        assert record.commitment.version == 2
        verify(record, d, opening=record.opening_json_dict() if record.opening is not None else None)


class TestCommitmentDate:
    def test_window_ends_on_the_commitment_date(
        self, client: Any, small: tuple[ObjectDirectory, Path]
    ) -> None:
        """Given ``committed_on``, complaints received after it do not count, and the record is the
        in-memory one byte for byte; without it, the window ends on the draw deadline as in memory."""
        d, root = small
        alive = d.ids[d.alive].tolist()
        day = dt.date(2026, 10, 1)
        complaints = [
            ComplaintRecord(object_id=o, channel=ComplaintChannel.HOTLINE_12315, received=when)
            for o, when in [
                *((o, dt.date(2026, 9, k)) for o in alive[1000:1006] for k in (3, 17)),
                *((o, dt.date(2026, 10, k)) for o in alive[2000:2006] for k in (9, 20)),
            ]
        ]
        policy = TieredPolicy(complaints=complaints, complaint_rule=ComplaintRule(min_count=2, months=12))
        item = item_for(d)
        record = distributed_draw(root, item, "2 7 1 8", client=client, policy=policy, committed_on=day)
        expected = draw(d, item, "2 7 1 8", policy=policy, committed_on=day)
        assert record.to_json() == expected.to_json()
        assert record.commitment.policy["reference_date"] == "2026-10-01"
        default = distributed_draw(root, item, "2 7 1 8", client=client, policy=policy)
        assert default.to_json() == draw(d, item, "2 7 1 8", policy=policy).to_json()
        assert default.commitment.policy["reference_date"] == "2026-11-10"
        assert default.commitment.table_digest != record.commitment.table_digest

    def test_reference_date_after_the_commitment(
        self, client: Any, small: tuple[ObjectDirectory, Path]
    ) -> None:
        """A reference date after the commitment date is the in-memory draw's ComplaintWindowError."""
        d, root = small
        policy = TieredPolicy(reference_date=dt.date(2026, 11, 1))
        with pytest.raises(ComplaintWindowError, match="2026-11-01"):
            distributed_draw(
                root, item_for(d), "1", client=client, policy=policy, committed_on=dt.date(2026, 10, 1)
            )


class TestRefusals:
    def test_version_1_policy(self, client: Any, small: tuple[ObjectDirectory, Path]) -> None:
        """A policy of draw algorithm version 1 is refused with a typed error naming the version."""
        d, root = small
        for policy in (TieredPolicy(algorithm_version=1), StratifiedPolicy(algorithm_version=1)):
            with pytest.raises(ConfigurationError, match="algorithm_version=1"):
                distributed_draw(root, item_for(d), "1", client=client, policy=policy)

    def test_ratio_above_ceiling(self, client: Any, small: tuple[ObjectDirectory, Path]) -> None:
        """A ratio above the cap is refused before any part is read, with the in-memory draw's error."""
        d, root = small
        item = item_for(d, ratio="8%", cap="6%")
        with pytest.raises(CeilingError):
            draw(d, item, "1")
        with pytest.raises(CeilingError, match="ceiling"):
            distributed_draw(root, item, "1", client=client)

    def test_unknown_key_id(self, client: Any, big: tuple[ObjectDirectory, Path]) -> None:
        """A key id outside the frame is refused as in memory."""
        d, root = big
        with pytest.raises(ConfigurationError, match="key id"):
            distributed_draw(root, item_for(d), "1", client=client, policy=TieredPolicy(key_ids=["NOPE"]))

    def test_parts_out_of_order(self, client: Any, tmp_path: Path, big: tuple[ObjectDirectory, Path]) -> None:
        """Parts whose id ranges overlap are refused with a hint to write them in id order."""
        d, _ = big
        small = ObjectDirectory.from_records(d.to_records()[:40])
        root = tmp_path / "ds"
        small.to_parquet(root, rows_per_file=20)
        parts = sorted(root.iterdir())
        parts[0].rename(root / "part-99999.parquet")
        with pytest.raises(InputError, match="id order"):
            distributed_draw(root, item_for(small), "1", client=client)

    def test_not_a_dataset(self, client: Any, tmp_path: Path) -> None:
        """A path that is not a directory of part files is refused."""
        with pytest.raises(InputError):
            distributed_draw(
                tmp_path / "x.parquet", item_for(ObjectDirectory.from_records([])), "1", client=client
            )


class TestWorkerLoss:
    def test_lost_worker_is_recomputed(self, small: tuple[ObjectDirectory, Path]) -> None:
        """Killing a worker process mid-draw: dask recomputes its parts and the record is still identical."""
        d, root = small
        item = item_for(d)
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as c,
        ):
            pids = list(c.run(os.getpid).values())

            def kill_one(stage: str) -> None:
                if stage == "tickets":
                    os.kill(pids[0], signal.SIGKILL)

            record = distributed_draw(root, item, "42", client=c, progress=kill_one)
        assert record.to_json() == draw(d, item, "42").to_json()

    def test_closed_cluster_is_a_typed_error(self, small: tuple[ObjectDirectory, Path]) -> None:
        """When the cluster goes away mid-draw, WorkerLostError is raised and no record is returned."""
        d, root = small
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as c,
        ):

            def close(stage: str) -> None:
                if stage == "tickets":
                    c.close()

            with pytest.raises(WorkerLostError, match="no record was made"):
                distributed_draw(root, item_for(d), "42", client=c, progress=close)
