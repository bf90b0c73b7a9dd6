"""kb.embeddings: the offline sentence-transformers model, the lexical fallback, and the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from kb import embeddings


def _run(script: str, model: str | None) -> list:
    env = {key: value for key, value in os.environ.items() if key != "KB_EMBEDDING_MODEL"}
    if model is not None:
        env["KB_EMBEDDING_MODEL"] = model
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={**env, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_shipped_model_loads_offline_and_vectors_are_normalised():
    script = ("import json, numpy as np; from kb import embeddings as e; "
              "v = e.embed(['退捕渔民养老保险补贴', '社保服务运维专项', '退捕渔民养老保险补贴']); "
              "print(json.dumps([e.embedder_name(), e.uses_model(), list(v.shape), "
              "np.linalg.norm(v, axis=1).tolist(), bool(np.array_equal(v[0], v[2]))]))")
    name, uses_model, shape, norms, cached_equal = _run(script, None)
    assert (name, uses_model, shape) == ("all-MiniLM-L6-v2", True, [3, 384])
    assert np.allclose(norms, 1.0, atol=1e-4) and cached_equal


def test_lexical_vectors_rank_shared_characters_higher():
    vectors = embeddings.lexical_embed(["民办教师补助", "代发民办教师养老和医疗补助资金", "住房公积金"])
    assert vectors[0] @ vectors[1] > 0.3 > vectors[0] @ vectors[2]
    assert embeddings.lexical_embed([]).shape == (0, vectors.shape[1])


def test_lexical_fallback_when_no_model_is_wanted_or_found():
    script = ("import json; from kb import embeddings as e; v = e.embed(['社会保险', '社会保險']); "
              "print(json.dumps([e.embedder_name(), e.uses_model(), float(v[0] @ v[1])]))")
    for model in ("lexical", "/no/such/model/folder"):
        name, uses_model, similarity = _run(script, model)
        assert (name, uses_model) == (embeddings.LEXICAL, False)
        assert similarity > 0.99  # traditional and simplified forms compare equal (match_key)
