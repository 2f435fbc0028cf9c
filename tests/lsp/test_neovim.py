"""A real editor: Neovim, headless, configured exactly as README's "Editors (language
server)" section says, opens a Django model file of the fixture project; the test reads the
diagnostics Neovim received for the SQLAlchemy module, a file it never opened.

Skipped when `nvim` is missing, except in CI (`CI=true`), where `.ci/run` installs it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.lsp.conftest import FIXTURES

REPO = Path(__file__).resolve().parents[2]

HARNESS = """
local out = os.getenv("SCHEMALINT_NVIM_OUT")
local wanted = vim.fn.fnamemodify(os.getenv("SCHEMALINT_NVIM_WAIT"), ":p")
vim.cmd("filetype on")
vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("SCHEMALINT_NVIM_OPEN")))
local function arrived()
  for _, d in ipairs(vim.diagnostic.get()) do
    if vim.api.nvim_buf_get_name(d.bufnr) == wanted then return true end
  end
  return false
end
local ok = vim.wait(90000, arrived, 50)
local found = {}
for _, d in ipairs(vim.diagnostic.get()) do
  local lsp = (d.user_data or {}).lsp or {}
  table.insert(found, {
    file = vim.api.nvim_buf_get_name(d.bufnr), lnum = d.lnum, col = d.col,
    code = d.code or lsp.code, source = d.source, severity = d.severity, message = d.message,
  })
end
local handle = io.open(out, "w")
handle:write(vim.fn.json_encode({ ok = ok, diagnostics = found }))
handle:close()
vim.cmd("qa!")
"""


def nvim_version(nvim: str) -> tuple[int, int]:
    first = subprocess.run([nvim, "--version"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    match = re.search(r"v(\d+)\.(\d+)", first)
    assert match, first
    return int(match.group(1)), int(match.group(2))


def readme_config(version: tuple[int, int]) -> str:
    """The README's Neovim block for this version (each block starts with its version line)."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Editors (language server)", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```lua\n(.*?)```", section, re.DOTALL)
    marker = "-- Neovim 0.11+" if version >= (0, 11) else "-- Neovim 0.7 to 0.10"
    (block,) = [b for b in blocks if b.startswith(marker)]
    return block


@pytest.mark.slow
def test_neovim_receives_the_mirrors_diagnostics(tmp_path: Path):
    nvim = shutil.which("nvim")
    if nvim is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("CI=true but nvim is not installed (.ci/run installs the Debian package neovim)")
        pytest.skip("nvim is not installed")
    project = tmp_path / "bifrost"
    shutil.copytree(FIXTURES / "bifrost-drifted", project)
    (tmp_path / "init.lua").write_text(readme_config(nvim_version(nvim)))
    (tmp_path / "harness.lua").write_text(HARNESS)
    out = tmp_path / "out.json"
    env = {
        **os.environ,
        # The README's `cmd = { "schemalint", "server" }`: this environment's schemalint.
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "SCHEMALINT_NVIM_OUT": str(out),
        "SCHEMALINT_NVIM_OPEN": str(project / "app_django/apps/options/models.py"),
        "SCHEMALINT_NVIM_WAIT": str(project / "src/database/models.py"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }
    subprocess.run(
        [nvim, "--headless", "-u", str(tmp_path / "init.lua"), "-c", f"luafile {tmp_path / 'harness.lua'}"],
        env=env,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=180,
        check=False,
    )
    received = json.loads(out.read_text())
    assert received["ok"] is True
    mirror = sorted(
        (d["lnum"] + 1, d["col"] + 1, d["code"])
        for d in received["diagnostics"]
        if d["file"] == str(project / "src/database/models.py")
    )
    assert mirror == [(85, 5, "SL204"), (103, 1, "SL301"), (144, 5, "SL103"), (194, 9, "SL207")]
    assert all(d["source"] == "schemalint" for d in received["diagnostics"])
    assert any(d["file"] == str(project / "scripts/database/schema.sql") for d in received["diagnostics"])
