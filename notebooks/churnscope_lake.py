"""Opens a Churnscope lake for the notebooks: its published DuckDB catalog, read-only.

The notebooks read the lake only through `<lake>/_catalog/churnscope.duckdb` (a view per published
table, schema-qualified: `marts.churn_metrics`), never a Delta table's folder as Parquet: the views
name exactly the files of each table's current snapshot.

The lake is the environment variable CHURNSCOPE_LAKE, default `demo-lake` (what `bin/churnscope demo`
writes); a relative path is taken from the repository's root. No metric is computed here: this module
only opens the catalog and runs the notebooks' queries.
"""
import os
from pathlib import Path

import duckdb
import pandas as pd

LAKE_VARIABLE = "CHURNSCOPE_LAKE"
DEFAULT_LAKE = "demo-lake"
REPO_ROOT = Path(__file__).resolve().parent.parent


def lake_path() -> Path:
    """The lake the notebooks read: $CHURNSCOPE_LAKE, else ./demo-lake, relative to the repository root."""
    path = Path(os.environ.get(LAKE_VARIABLE) or DEFAULT_LAKE).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


class Lake:
    """A read-only connection to a lake's DuckDB catalog."""

    def __init__(self, path: Path):
        self.path = path
        self.catalog = path / "_catalog" / "churnscope.duckdb"
        if not self.catalog.is_file():
            raise FileNotFoundError(
                f"No DuckDB catalog at {self.catalog}. Run `bin/churnscope demo` (it writes ./demo-lake), "
                f"or set {LAKE_VARIABLE} to a lake whose nightly has run `publish-catalog`.")
        self.con = duckdb.connect(str(self.catalog), read_only=True)

    def query(self, sql: str, params=None) -> pd.DataFrame:
        """Runs one query; a table missing from the catalog fails here (duckdb.CatalogException)."""
        return self.con.execute(sql, params or []).df()

    def run_date(self):
        """The latest run date of the run manifest (the nightly these tables come from)."""
        return self.query("SELECT max(run_date) AS d FROM _runs.run_manifest")["d"].iloc[0]

    def __repr__(self) -> str:
        run = self.run_date()
        run = "none" if pd.isna(run) else f"{run:%Y-%m-%d}"
        return (f"Lake {self.path}\nCatalog {self.catalog} (read-only, DuckDB {duckdb.__version__})\n"
                f"Latest nightly run date: {run}")


def open_lake() -> Lake:
    return Lake(lake_path())


def nothing_to_show(frame: pd.DataFrame, sentence: str) -> bool:
    """True (and prints the sentence) when a query returned no rows: the cell then draws nothing."""
    if frame.empty:
        print(sentence)
        return True
    return False
