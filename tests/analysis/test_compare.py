"""Comparing scenarios: common random numbers, paired differences, end-states, blocs,
different actor sets, the comparison folder and report, and the command line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import SMALL_YAML
from plotly.offline import get_plotlyjs

import sim
from sim.analysis.compare import (
    ComparisonError,
    check_comparable,
    partition_texts,
    unique_labels,
)
from sim.cli import main as cli
from sim.present.compare_figures import comparison_figures
from sim.present.comparison_page import comparison_html
from sim.scenario import load_scenario

INJECTION = "<script>alert('x')</script>"
KW = {"replicates": 40, "seed": 1, "chunk_size": 20, "workers": 1}


def write_whatif(folder: Path, name: str, body: dict) -> Path:
    """A what-if extending a copy of the small scenario in ``folder``."""
    base = folder / "small.yaml"
    if not base.exists():
        shutil.copy(SMALL_YAML, base)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"extends": "small.yaml", "name": name, **body}))
    return path


@pytest.fixture(scope="module")
def whatifs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("scenarios")
    return {
        "assertive": write_whatif(
            folder,
            "assertive",
            {
                "description": f"China much more assertive {INJECTION}",
                "actors": {"CHN": {"assertiveness": 0.95}},
                "events": {
                    "thaw_talks": {
                        "description": "US-Russia talks when relations warm",
                        "when": "USA-RUS > -0.1",
                        "add": {"dyads.USA-RUS.institutions": 0.2},
                    }
                },
            },
        ),
        "bigger": write_whatif(
            folder,
            "bigger",
            {
                "actors": {
                    "JPN": {"name": "Japan", "size": 0.2, "assertiveness": 0.2, "offense": 0.3}
                },
                "dyads": {"JPN-CHN": {"relation": -0.3}},
            },
        ),
        "longer": write_whatif(folder, "longer", {"run": {"steps": 12}}),
        "swept": write_whatif(folder, "swept", {"sweep": {"actors.CHN.assertiveness": [0.3]}}),
    }


@pytest.fixture(scope="module")
def pair(whatifs) -> sim.api.Any:
    """The small scenario against a what-if (40 replicates, 2 chunks)."""
    return sim.compare([SMALL_YAML, whatifs["assertive"]], **KW)


def test_a_scenario_compared_with_itself_differs_by_exactly_zero() -> None:
    c = sim.compare([SMALL_YAML, SMALL_YAML], **KW)
    assert c.labels == ["small-test", "small-test (2)"]
    d = c.differences
    assert len(d) == 3 and (d["scenario"] == "small-test (2)").all()
    for col in ("mean_difference", "p05", "p95", "mean_ci_low", "mean_ci_high"):
        assert (d[col] == 0.0).all(), col
    assert (d["share_warmer"] == 0).all() and (d["share_colder"] == 0).all()
    es = c.end_states[c.end_states["scenario"] == "small-test (2)"]
    assert (es["difference"] == 0.0).all()
    assert c.largest.empty
    np.testing.assert_array_equal(c.view(0).ends, c.view(1).ends)
    pd.testing.assert_frame_equal(
        c.bands[c.bands["scenario"] == "small-test"].drop(columns="scenario"),
        c.bands[c.bands["scenario"] == "small-test (2)"]
        .drop(columns="scenario")
        .reset_index(drop=True),
    )


def test_each_scenario_runs_as_alone_with_the_same_seeds(pair, whatifs) -> None:
    """Common random numbers: each scenario's ensemble is its own run with the shared
    seed, and the differences are paired replicate by replicate."""
    alone = [
        sim.run(f, record="outcomes", **KW).ensemble.point(0)
        for f in (SMALL_YAML, whatifs["assertive"])
    ]
    for k in range(2):
        np.testing.assert_array_equal(pair.view(k).ends, alone[k].ends)
        np.testing.assert_array_equal(pair.view(k).histograms, alone[k].histograms)
    diff = alone[1].ends - alone[0].ends  # same dyad order: same actors
    d = pair.differences.set_index("dyad")
    ids = pair.view(0).actor_ids
    for k, (i, j) in enumerate(pair.view(0).dyads):
        rec = d.loc[f"{ids[i]}-{ids[j]}"]
        assert rec["mean_difference"] == pytest.approx(diff[:, k].mean(), abs=1e-12)
        assert rec["p05"] == pytest.approx(np.quantile(diff[:, k], 0.05), abs=1e-12)
        assert rec["p95"] == pytest.approx(np.quantile(diff[:, k], 0.95), abs=1e-12)
        assert rec["end_mean"] - rec["reference_end_mean"] == pytest.approx(
            rec["mean_difference"], abs=1e-12
        )
    assert pair.seed == 1 and pair.replicates == 40 and pair.chunk_size == 20


def test_the_same_on_a_process_pool_and_on_dask(pair, whatifs, dask_scheduler) -> None:
    for backend in ({"workers": 2}, {"scheduler": dask_scheduler}):
        other = sim.compare([SMALL_YAML, whatifs["assertive"]], **{**KW, **backend})
        for frame in ("differences", "end_states", "bands", "transitions", "events"):
            pd.testing.assert_frame_equal(getattr(other, frame), getattr(pair, frame))


def test_end_states_have_intervals_and_differences_in_points(pair) -> None:
    es = pair.end_states
    assert list(es["scenario"].unique()) == ["small-test", "assertive"]
    assert set(es["outcome"]) == {"entente", "thaw", "russia_free"}
    ref = es[es["scenario"] == "small-test"].set_index("outcome")
    other = es[es["scenario"] == "assertive"].set_index("outcome")
    for name in ref.index:
        assert other.loc[name, "difference"] == pytest.approx(
            other.loc[name, "probability"] - ref.loc[name, "probability"]
        )
        assert other.loc[name, "reference_probability"] == ref.loc[name, "probability"]
        lo, hi = other.loc[name, ["ci_low", "ci_high"]]
        assert 0 <= lo <= other.loc[name, "probability"] <= hi <= 1
    assert (ref["difference"] == 0).all()
    texts = pair.largest
    assert set(texts["kind"]) <= {"dyad", "end_state"}
    assert texts["difference"].abs().min() >= 0.005
    dyad_text = texts[texts["kind"] == "dyad"]["text"].iloc[0]
    assert re.fullmatch(
        r".+ – .+: [+-]\d\.\d\d by \w{3} 2016 in assertive against small-test, "
        r"90% interval [+-]\d\.\d\d to [+-]\d\.\d\d",
        dyad_text,
    ), dyad_text
    if (texts["kind"] == "end_state").any():
        text = texts[texts["kind"] == "end_state"]["text"].iloc[0]
        assert re.search(r"\d+% -> \d+% \([+-]\d+ points\) in assertive", text), text


def test_bloc_transitions_count_every_replicate(pair) -> None:
    tr = pair.transitions
    assert tr.groupby("scenario", sort=False)["replicates"].sum().tolist() == [40, 40]
    assert tr.groupby("scenario")["share"].sum().round(12).tolist() == [1.0, 1.0]
    # RUS-CHN start at 0.45, above the hedging bound 0.2: one bloc, the US alone
    assert set(tr["start"]) == {"CHN+RUS | (alone: USA)"}
    fig = comparison_figures(pair)["blocs"]
    assert [t.type for t in fig.data] == ["sankey", "sankey"]
    assert sum(fig.data[0].link.value) == 40


def test_partition_texts() -> None:
    ids = ["USA", "CHN", "JPN", "RUS", "KOR"]
    labels = np.array(
        [
            [0, 1, 0, 1, 4],  # USA+JPN, CHN+RUS, KOR alone
            [0, 1, 2, 3, 4],  # nobody aligned
            [0, 0, 0, 0, 0],  # one bloc
        ]
    )
    assert partition_texts(labels, ids).tolist() == [
        "USA+JPN | CHN+RUS | (alone: KOR)",
        "no blocs",
        "USA+CHN+JPN+RUS+KOR",
    ]
    assert unique_labels(["a", "b", "a", "a"]) == ["a", "b", "a (2)", "a (3)"]


def test_events_of_each_scenario(pair) -> None:
    ev = pair.events
    assert set(zip(ev["scenario"], ev["event"], strict=True)) == {
        ("small-test", "tension"),
        ("assertive", "tension"),
        ("assertive", "thaw_talks"),
    }
    tension = ev[ev["event"] == "tension"]
    assert (tension["share_fired"] == 1.0).all()  # scheduled: every replicate
    thaw = ev[ev["event"] == "thaw_talks"].iloc[0]
    assert 0.0 <= thaw["share_fired"] <= 1.0
    assert thaw["mean_firings"] == pytest.approx(thaw["share_fired"])  # fires once at most


def test_different_actor_sets_compare_the_shared_dyads(whatifs) -> None:
    c = sim.compare([SMALL_YAML, whatifs["bigger"]], **KW)
    assert c.shared == [("USA", "CHN"), ("USA", "RUS"), ("CHN", "RUS")]
    assert c.left_out == {"bigger": ["USA-JPN", "CHN-JPN", "RUS-JPN"]}
    assert len(c.differences) == 3
    assert any("left out: bigger: USA-JPN, CHN-JPN, RUS-JPN" in n for n in c.notes)
    assert any("different actors" in n for n in c.notes)
    assert set(c.bands["dyad"]) == {"USA-CHN", "USA-RUS", "CHN-RUS"}


def test_settings_that_must_match_are_checked(whatifs) -> None:
    small = load_scenario(SMALL_YAML)
    with pytest.raises(ComparisonError, match="at least two"):
        check_comparable([small])
    with pytest.raises(ComparisonError, match=r"run\.steps is 12, but 8 in"):
        check_comparable([small, load_scenario(whatifs["longer"])])
    with pytest.raises(ComparisonError, match="has a sweep"):
        check_comparable([small, load_scenario(whatifs["swept"])])
    other_chunks = small.model_copy(deep=True)
    other_chunks.run.chunk_size = 7
    with pytest.raises(ComparisonError, match=r"run\.chunk_size is 7"):
        check_comparable([small, other_chunks])
    check_comparable([small, other_chunks], chunk_size=20)  # set for all: fine
    # seed and replicates: the first's, with a note when another says otherwise
    reseeded = small.model_copy(deep=True)
    reseeded.run.seed = 99
    c = sim.compare([small, reseeded], replicates=10, workers=1)
    assert c.seed == 7 and any("the first's seed, 7" in n for n in c.notes)
    np.testing.assert_array_equal(c.view(0).ends, c.view(1).ends)


def test_save_comparison_writes_a_complete_folder(pair, tmp_path) -> None:
    folder = sim.save_comparison(pair, tmp_path, command=["run.py", "compare"])
    assert folder.parent == tmp_path / "compare"
    assert sorted(p.name for p in folder.iterdir()) == [
        "bands.csv",
        "blocs.csv",
        "comparison.html",
        "differences.csv",
        "end_states.csv",
        "events.csv",
        "largest_differences.csv",
        "manifest.json",
    ]
    m = json.loads((folder / "manifest.json").read_text())
    assert m["format"] == "alignsim-comparison" and m["comparison_id"] == folder.name
    assert [s["label"] for s in m["scenarios"]] == ["small-test", "assertive"]
    assert m["seed"] == 1 and m["replicates"] == 40 and m["chunk_size"] == 20
    assert set(m["files"]) == {p.name for p in folder.iterdir()} - {"manifest.json"}
    diffs = pd.read_csv(folder / "differences.csv")
    assert list(diffs.columns[:3]) == ["scenario", "reference", "dyad"]
    bands = pd.read_csv(folder / "bands.csv")
    assert len(bands) == 2 * 3 * 9 and bands["date"].iloc[0] == "2014-01-01"
    # a second save never overwrites the first
    again = sim.save_comparison(pair, tmp_path)
    assert again != folder and again.name.startswith(folder.name)
    assert not list((tmp_path / "compare").glob(".*"))  # no temporary folder left

    html = (folder / "comparison.html").read_text(encoding="utf-8")
    js = get_plotlyjs()
    assert html.count(js) == 1
    assert html.count("Plotly.newPlot(") == 4  # end-states, differences, relations, blocs
    rest = html.replace(js, "")
    assert "<script src=" not in rest.lower() and "cdn." not in rest
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", rest, re.I)
    assert "same random numbers" in rest and "not from noise" in rest
    assert "<script>alert" not in rest
    assert "China much more assertive &lt;script&gt;" in rest
    for section in ("Largest differences", "End-states", "Difference from small-test",
                    "Relations over time", "Blocs from start to end", "Events"):  # fmt: skip
        assert f"<h2>{section}</h2>" in rest, section


def test_user_text_is_escaped_in_the_comparison_page(whatifs, tmp_path) -> None:
    """A scenario's description, event descriptions and actor names are shown as text: in
    the page's tables (autoescape) and in the figures' labels (plotly renders label text
    as HTML, so the labels are escaped where the figures are built)."""
    evil = write_whatif(
        tmp_path,
        "evil",
        {
            "description": f"A description with {INJECTION} & more",
            "actors": {"CHN": {"name": f"China {INJECTION}"}},
            "events": {
                "talks": {
                    "description": f"talks {INJECTION}",
                    "when": "USA-RUS > -0.1",
                    "add": {"dyads.USA-RUS.institutions": 0.2},
                }
            },
        },
    )
    c = sim.compare([evil, SMALL_YAML], **{**KW, "replicates": 20})  # the first names actors
    page = comparison_html(c).replace(get_plotlyjs(), "")
    assert "<script>alert" not in page
    assert "A description with &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in page
    assert "talks &lt;script&gt;" in page
    assert "<h1>Comparing scenarios: evil, small-test</h1>" in page
    figures = comparison_figures(c)
    for fig in figures.values():  # plotly writes "<" as \u003c in its JSON: check the text
        text = json.dumps(fig.to_plotly_json(), default=str)
        assert "<script>" not in text
    relations = json.dumps(figures["relations"].to_plotly_json(), default=str)
    assert "China &lt;script&gt;" in relations  # the dyad panels' titles


def test_compare_on_the_command_line(whatifs, tmp_path, capsys) -> None:
    out = tmp_path / "out"
    args = ["--reps", "30", "--seed", "2", "--workers", "2", "--out", str(out)]
    code = cli.main(["compare", str(SMALL_YAML), str(whatifs["bigger"]), *args])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    lines = captured.out.strip().splitlines()
    assert lines[0] == "largest differences from small-test:"
    assert lines[-1].startswith("report: ") and lines[-1].endswith("comparison.html")
    assert "end-states (probability at the end)" in captured.out
    assert "note: only the dyads every scenario has are compared; left out: bigger" in (
        captured.out
    )
    report = Path(lines[-1].removeprefix("report: "))
    assert report.parent.parent == out / "compare"
    html = report.read_text(encoding="utf-8")
    assert "left out: bigger: USA-JPN, CHN-JPN, RUS-JPN" in html
    m = json.loads((report.parent / "manifest.json").read_text())
    assert m["seed"] == 2 and m["replicates"] == 30
    assert m["command"][1:3] == ["compare", str(SMALL_YAML)]


def test_command_line_refusals_exit_2(whatifs, tmp_path, capsys) -> None:
    out = ["--out", str(tmp_path)]
    assert cli.main(["compare", str(SMALL_YAML), *out]) == 2
    assert "at least two scenario files" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nactors:\n  USA: {name: US, assertivness: 0.2}\n")
    assert cli.main(["compare", str(SMALL_YAML), str(bad), str(tmp_path / "no.yaml"), *out]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3:" in err and "assertivness" in err and "no such file" in err
    assert cli.main(["compare", str(SMALL_YAML), str(whatifs["longer"]), *out]) == 2
    err = capsys.readouterr().err
    assert "run.steps is 12, but 8" in err and "Traceback" not in err
    assert cli.main(["compare", str(SMALL_YAML), str(whatifs["swept"]), *out]) == 2
    assert "has a sweep" in capsys.readouterr().err
    assert not any(tmp_path.glob("compare"))  # nothing written
