"""kb.embeddings: the offline sentence-transformers model, the lexical fallback, and the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np

from kb import embeddings


def test_the_shipped_model_loads_offline_and_vectors_are_normalised():
    vectors = embeddings.embed(["退捕渔民养老保险补贴", "社保服务运维专项", "退捕渔民养老保险补贴"])
    assert embeddings.embedder_name() == "all-MiniLM-L6-v2" and embeddings.uses_model()
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert np.array_equal(vectors[0], vectors[2])  # the same text comes from the cache


def test_lexical_vectors_rank_shared_characters_higher():
    vectors = embeddings.lexical_embed(["民办教师补助", "代发民办教师养老和医疗补助资金", "住房公积金"])
    assert vectors[0] @ vectors[1] > 0.3 > vectors[0] @ vectors[2]
    assert embeddings.lexical_embed([]).shape == (0, vectors.shape[1])


def test_lexical_fallback_when_no_model_is_wanted_or_found():
    script = ("import json; from kb import embeddings as e; v = e.embed(['社会保险', '社会保險']); "
              "print(json.dumps([e.embedder_name(), e.uses_model(), float(v[0] @ v[1])]))")
    for model in ("lexical", "/no/such/model/folder"):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "KB_EMBEDDING_MODEL": model, "HF_HUB_OFFLINE": "1"})
        assert done.returncode == 0, done.stderr
        name, uses_model, similarity = json.loads(done.stdout.strip().splitlines()[-1])
        assert (name, uses_model) == (embeddings.LEXICAL, False)
        assert similarity > 0.99  # traditional and simplified forms compare equal (match_key)
