"""Splink 5 (DuckDB backend, unsupervised EM) on the same project records budget-kb links: the baseline.

Records are projects with the same cleaned name budget-kb compares (``linking.features.core_name``), the
文号 they cite, subject code, amount (万元, as a log10 bucket) and indicator names. Comparisons: Jaro-Winkler
on the cleaned name, shared 文号 (array intersection), exact subject code, amount bucket and
shared indicator names. Blocking: the same cleaned name, a shared 文号 (exploded), the first two characters
of the cleaned name. u by random sampling, λ from deterministic rules, m by EM on two blocking rules;
clusters are connected components at match probability ``THRESHOLD``.

Needs the ``bench`` extra (``pip install 'budget-kb[bench]'``: splink, duckdb).
"""

from __future__ import annotations

import logging
import math
import time

THRESHOLD = 0.9  # Splink's documented default for clustering pairwise predictions


def splink_records(extractions, project_refs: dict[str, set[str]]) -> list[dict]:
    """One row per project: unique_id, unit, name (cleaned), refs, subject, amount bucket, indicators."""
    from linking.features import core_name, unit_places
    from kb.core.normalize import match_key

    rows = []
    for extraction in extractions:
        places = unit_places(extraction.unit.region, extraction.unit.name)
        for project, project_id in zip(extraction.projects, extraction.project_ids()):
            rows.append({"unique_id": project_id, "unit": extraction.unit.name or extraction.file,
                         "name": core_name(project.name, places),
                         "refs": sorted(project_refs.get(project_id, ())) or None,
                         "subject": project.subject_code,
                         "amount_scale": (str(round(math.log10(project.amount) * 2)) if project.amount else None),
                         "indicators": sorted({match_key(item.name) for item in project.indicators}) or None})
    return rows


def splink_clusters(rows: list[dict]) -> tuple[dict[str, int], float]:
    """Cluster the rows with Splink; returns (unique_id -> cluster id, seconds)."""
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    frame = pd.DataFrame(rows)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.JaroWinklerAtThresholds("name", [0.9, 0.8, 0.7]), cl.ArrayIntersectAtSizes("refs", [2, 1]),
                     cl.ExactMatch("subject"), cl.ExactMatch("amount_scale"),
                     cl.ArrayIntersectAtSizes("indicators", [2, 1])],
        blocking_rules_to_generate_predictions=[block_on("name"), block_on("refs", arrays_to_explode=["refs"]),
                                                block_on("substr(name, 1, 2)")],
        retain_intermediate_calculation_columns=False)
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("name")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("substr(name, 1, 2)"))
    predictions = linker.inference.predict(threshold_match_probability=0.1)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    table = clusters.as_pandas_dataframe()
    return dict(zip(table["unique_id"], table["cluster_id"])), time.perf_counter() - started
