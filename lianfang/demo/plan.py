"""The shape of the demo city: which districts, how many streets, communities, households and people,
and the places down to units (small enough to hold in memory even for the whole city).

Households and residents are generated per community by `generate.py` from a `CommunityJob`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from lianfang.demo import names


@dataclass(frozen=True)
class Scale:
    name: str
    districts: tuple[str, ...]  # district codes
    streets_per_district: int  # for the district with the largest share; others proportional (min 1)
    communities_per_street: int
    households: int
    residents: int
    fever_every: int  # gate scans per fever, on average (small scales get a few fevers to show)


SCALES = {
    "tiny": Scale("tiny", ("340403",), 1, 2, 80, 200, 30),
    "demo": Scale("demo", tuple(d[0] for d in names.DISTRICTS), 2, 2, 2000, 5000, 600),
    "city": Scale("city", tuple(d[0] for d in names.DISTRICTS), 20, 9, 1_140_000, 3_000_000, 20_000),
}


@dataclass
class Ids:
    """Next free primary key per table (explicit ids let households and residents be written in bulk)."""

    next: dict[str, int]

    def take(self, table: str, n: int = 1) -> int:
        start = self.next.get(table, 1)
        self.next[table] = start + n
        return start


@dataclass
class UnitSlot:
    unit_id: int
    building: str
    unit: str
    floors: int
    rooms_per_floor: int
    compound_id: int
    grid_id: int


@dataclass
class CommunityJob:
    """Everything a worker needs to generate one community's households and residents."""

    index: int  # position in the city (also seeds its random generator)
    code: str
    path: str
    district: str
    slot: int  # position among the district's communities: keeps ID sequence numbers apart
    slot_width: int
    households: int
    residents: int
    household_id: int
    resident_id: int
    units: list[UnitSlot] = field(default_factory=list)
    # compound id -> (id of its open gate, compound name, gate name)
    open_gates: dict[int, tuple[int, str, str]] = field(default_factory=dict)
    pass_id: int = 0  # first id of the community's passes (household passes first, then EXTRA_PASSES)
    fever_every: int = 1000


@dataclass
class Plan:
    """Rows for the place tables (tuples in `tables.COLUMNS` order) and the community jobs."""

    rows: dict[str, list[tuple]]
    jobs: list[CommunityJob]


def split(total: int, weights: list[float]) -> list[int]:
    """Split an integer total by weights, exactly (largest remainder)."""
    wsum = sum(weights) or 1.0
    raw = [total * w / wsum for w in weights]
    parts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


EXTRA_PASSES = 5  # per community: 3 work passes and 2 vehicle passes (see passages.py)


def _unique(rng: random.Random, used: set[str], make) -> str:
    for _attempt in range(50):
        value = make()
        if value not in used:
            used.add(value)
            return value
    n = 2
    base = make()
    while f"{base}{n}" in used:
        n += 1
    used.add(f"{base}{n}")
    return f"{base}{n}"


def build_plan(scale: Scale, *, seed: int, ids: Ids) -> Plan:
    rng = random.Random(f"plan:{seed}")
    rows: dict[str, list[tuple]] = {t: [] for t in ("area", "grid", "compound", "gate", "building", "unit")}
    jobs: list[CommunityJob] = []

    districts = [d for d in names.DISTRICTS if d[0] in scale.districts]
    shares = [d[2] for d in districts]
    top = max(shares)
    households_by_district = split(scale.households, shares)
    residents_by_district = split(scale.residents, shares)

    city_id = ids.take("area")
    city_path = f"{names.CITY[0]}."
    rows["area"].append((city_id, names.CITY[0], names.CITY[1], "city", None, city_path))

    street_stems = list(names.STREET_STEMS)
    rng.shuffle(street_stems)
    used_streets: set[str] = set()
    for d_index, (dcode, dname, share) in enumerate(districts):
        d_id = ids.take("area")
        d_path = f"{city_path}{dcode}."
        rows["area"].append((d_id, dcode, dname, "district", city_id, d_path))
        n_streets = max(1, round(scale.streets_per_district * share / top))
        suffix = "镇" if dcode in names.COUNTIES else "街道"
        n_comms = [
            max(1, round(scale.communities_per_street * rng.uniform(0.7, 1.3))) for _ in range(n_streets)
        ]
        if len(districts) == 1:
            n_comms = [scale.communities_per_street] * n_streets
        total_comms = sum(n_comms)
        weights = [rng.uniform(0.7, 1.3) for _ in range(total_comms)]
        hh = split(households_by_district[d_index], weights)
        rs = split(residents_by_district[d_index], weights)
        slot_width = max(1, 500 // total_comms)
        slot = 0
        for s_index in range(n_streets):
            s_code = f"{dcode}{s_index + 1:03d}000"
            stem = _unique(rng, used_streets, lambda: rng.choice(street_stems))
            s_id = ids.take("area")
            s_path = f"{d_path}{s_code}."
            rows["area"].append((s_id, s_code, stem + suffix, "street", d_id, s_path))
            comm_stems = rng.sample(
                names.COMMUNITY_STEMS, k=min(n_comms[s_index], len(names.COMMUNITY_STEMS))
            )
            for c_index in range(n_comms[s_index]):
                c_code = f"{dcode}{s_index + 1:03d}{c_index + 1:03d}"
                stem_c = comm_stems[c_index % len(comm_stems)]
                c_name = stem_c + ("社区" if c_index < len(comm_stems) else f"{c_index + 1}社区")
                c_id = ids.take("area")
                c_path = f"{s_path}{c_code}."
                rows["area"].append((c_id, c_code, c_name, "community", s_id, c_path))
                job = CommunityJob(
                    index=len(jobs),
                    code=c_code,
                    path=c_path,
                    district=dcode,
                    slot=slot,
                    slot_width=slot_width,
                    households=hh[slot],
                    residents=max(rs[slot], hh[slot]),
                    household_id=0,
                    resident_id=0,
                    fever_every=scale.fever_every,
                )
                slot += 1
                _plan_community(rng, rows, ids, c_id, job)
                jobs.append(job)
    # Households and residents get their id ranges in order, so each job writes a disjoint range.
    for job in jobs:
        job.household_id = ids.take("household", job.households)
        job.resident_id = ids.take("resident", job.residents)
    for job in jobs:
        job.pass_id = ids.take("pass", job.households + EXTRA_PASSES)
    return Plan(rows=rows, jobs=jobs)


def _plan_community(
    rng: random.Random, rows: dict[str, list[tuple]], ids: Ids, c_id: int, job: CommunityJob
) -> None:
    path = job.path
    grid_ids = []
    for n in range(rng.randint(2, 5)):
        g_id = ids.take("grid")
        label = names.GRID_NUMERALS[n]
        rows["grid"].append((g_id, c_id, f"{job.code}-{n + 1:02d}", f"第{label}网格", path))
        grid_ids.append(g_id)
    used: set[str] = set()
    capacity = 0
    building_no = 0
    while capacity < job.households or not job.units:
        comp_id = ids.take("compound")

        def compound_name() -> str:
            return (
                rng.choice(names.COMPOUND_STEMS)
                + rng.choice(names.COMPOUND_KINDS)
                + rng.choice(names.COMPOUND_PARTS)
            )

        comp_name = _unique(rng, used, compound_name)
        rows["compound"].append((comp_id, c_id, comp_name, "", path))
        gate_names = rng.sample(names.GATE_NAMES, k=rng.randint(2, 4))
        open_gate = rng.randrange(len(gate_names))
        for g_index, gate in enumerate(gate_names):
            gate_id = ids.take("gate")
            rows["gate"].append((gate_id, comp_id, gate, g_index == open_gate, path))
            if g_index == open_gate:
                job.open_gates[comp_id] = (gate_id, comp_name, gate)
        high_rise = rng.random() < 0.4
        n_buildings = rng.randint(4, 16) if not high_rise else rng.randint(3, 10)
        for _b in range(n_buildings):
            building_no += 1
            b_number = str(_b + 1)
            grid_id = grid_ids[(building_no - 1) % len(grid_ids)]
            b_id = ids.take("building")
            rows["building"].append((b_id, comp_id, b_number, grid_id, path))
            floors = rng.choice([6, 7]) if not high_rise else rng.choice([11, 18, 26, 32])
            rooms = 2 if not high_rise else rng.choice([2, 3, 4])
            for u in range(rng.randint(2, 4) if not high_rise else rng.randint(1, 2)):
                u_id = ids.take("unit")
                rows["unit"].append((u_id, b_id, str(u + 1), path))
                job.units.append(UnitSlot(u_id, b_number, str(u + 1), floors, rooms, comp_id, grid_id))
                capacity += floors * rooms
            if capacity >= job.households:
                break
