"""docs/tutorial.ipynb runs top to bottom and shows what its prose says it shows.

The notebook is executed with nbclient on a kernel of this very interpreter (a kernel spec
written for the test, so no Jupyter kernel installed elsewhere on the machine is picked),
from the repository root (so ``scenarios/...`` resolves as in the notebook), with the
kernel's temporary folder inside pytest's, where the notebook writes its files.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from conftest import REPO_ROOT
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOK = REPO_ROOT / "docs" / "tutorial.ipynb"
KERNEL = "alignsim-tutorial-test"
PLOTLY = "application/vnd.plotly.v1+json"
#: Seconds a single cell may take before the run is called stuck (the whole notebook
#: takes about 10 s here; this is no timing assertion, only a guard against a hang).
CELL_TIMEOUT = 600
#: The terminal colours of an IPython traceback.
ANSI = re.compile(r"\x1b\[[0-9;]*m")

pytestmark = pytest.mark.slow


def _kernel_manager(folder: Path) -> KernelManager:
    """A kernel manager that can only start this interpreter's ipykernel."""
    spec = folder / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "alignsim test", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    specs = KernelSpecManager(kernel_dirs=[str(folder)], ensure_native_kernel=False)
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The notebook after a run, its cells by tag, and what the kernel said about itself."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    committed = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell("import os, sys\nprint(sys.executable)\nprint(os.getcwd())")
    )
    folder = tmp_path_factory.mktemp("tutorial")
    temp = folder / "tmp"
    temp.mkdir()
    client = NotebookClient(
        nb,
        km=_kernel_manager(folder / "kernels"),
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(REPO_ROOT)}},
    )
    failed = None
    try:
        # cleanup_kc: shut the kernel down afterwards, although the test made its manager
        client.execute(env={**os.environ, "TMPDIR": str(temp)}, cleanup_kc=True)
    except CellExecutionError as exc:  # its message has the cell's source and traceback
        failed = ANSI.sub("", str(exc))
    if failed is not None:
        pytest.fail(f"docs/tutorial.ipynb: a cell failed\n{failed}", pytrace=False)
    tagged = {tag: cell for cell in nb.cells for tag in cell.metadata.get("tags", [])}
    kernel_said = nb.cells[-1].outputs[0]["text"].splitlines()
    return {"nb": nb, "committed": committed, "tagged": tagged, "kernel": kernel_said, "tmp": temp}


def _text(cell: Any) -> str:
    """Everything a cell printed and its result as plain text."""
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/plain", ""))
    return "\n".join(parts)


def _figure(cell: Any) -> dict[str, Any]:
    (fig,) = [out.data[PLOTLY] for out in cell.outputs if PLOTLY in out.get("data", {})]
    return fig


def test_it_is_kept_without_outputs_and_opens_with_how_to_run_it(executed) -> None:
    nb = executed["committed"]
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    first = nb.cells[0].source
    assert "python -m jupyter lab docs/tutorial.ipynb" in first
    assert "pip install jupyterlab" in first


def test_the_kernel_is_this_interpreter_in_the_repository_root(executed) -> None:
    executable, cwd = executed["kernel"]
    assert Path(executable) == Path(sys.executable)
    assert Path(cwd).resolve() == REPO_ROOT.resolve()


@pytest.mark.parametrize(
    "tag",
    [
        "relations-figure",
        "comparison-figure",
        "explain-figure",
        "landscape-figure",
        "sensitivity-figure",
    ],
)
def test_every_figure_is_a_plotly_figure_jupyter_draws_offline(executed, tag: str) -> None:
    fig = _figure(executed["tagged"][tag])
    assert fig["data"], f"{tag}: a figure without traces"
    for out in executed["tagged"][tag].outputs:
        html = out.get("data", {}).get("text/html", "")
        assert "cdn.plot.ly" not in html and '<script src="http' not in html


def test_a_mistake_in_the_what_if_is_named_by_line_and_key(executed) -> None:
    said = _text(executed["tagged"]["typo"])
    assert said.startswith("two-plus-two-habit.yaml:10: events.annual_two_plus_two.set.")
    assert "did you mean 'institutions'?" in said


def test_the_comparison_says_russia_and_japan_end_warmer_in_the_what_if(executed) -> None:
    largest = _text(executed["tagged"]["largest"])
    assert re.search(r"^Russia – Japan: \+0\.\d\d by Jan 2024 in two-plus-two-habit", largest, re.M)
    table = _text(executed["tagged"]["differences"])
    assert "mean_difference" in table
    for dyad in ("USA-RUS", "USA-CHN", "USA-JPN", "RUS-CHN", "RUS-JPN", "CHN-JPN"):
        assert dyad in table


def test_the_explanation_sets_the_two_scenarios_side_by_side(executed) -> None:
    text = _text(executed["tagged"]["explain"])
    assert "baseline: Russia toward Japan at 2016-Q4" in text
    assert "what-if:  Russia toward Japan at 2016-Q4" in text
    (row,) = [line for line in text.splitlines() if line.startswith("institutions")]
    baseline, whatif, difference = (float(v) for v in row.split()[1:])
    assert whatif > baseline and difference > 0  # the what-if's direct effect


def test_the_landscape_shows_what_its_prose_reads(executed) -> None:
    rows = [line.split() for line in _text(executed["tagged"]["landscape"]).splitlines()[1:]]
    start = [r for r in rows if r[1:3] == ["baseline", "0"]]
    assert [" ".join(r[3:-4]) for r in start] == ["USA RUS CHN JPN | -", "USA JPN | RUS CHN"]
    end = {r[1]: r for r in rows if r[2] == "40"}
    assert " ".join(end["baseline"][3:-4]) == "USA RUS CHN JPN | -"
    assert " ".join(end["two-plus-two-habit"][3:-4]) == "USA RUS CHN JPN | -"
    rus_jpn, rus_chn = (float(v) for v in end["two-plus-two-habit"][-2:])
    assert rus_jpn > rus_chn
    assert rus_jpn > float(end["baseline"][-2])


def test_the_screening_ran_its_points_and_ranks_the_factors(executed) -> None:
    text = _text(executed["tagged"]["sensitivity"])
    assert "76 points x 50 replicates" in text
    assert "mu_star" in text and "China's assertiveness" in text


def test_what_it_saves_goes_to_a_temporary_folder(executed) -> None:
    said = _text(executed["tagged"]["setup"])
    (out,) = re.findall(r"^files go to: (.+)$", said, re.M)
    assert Path(out).parent == executed["tmp"]
    saved = _text(executed["tagged"]["save"])
    assert "report.html" in saved and "comparison.html" in saved
    assert any(Path(out).glob("baseline/*/report.html"))
    assert any(Path(out).glob("compare/*/comparison.html"))
