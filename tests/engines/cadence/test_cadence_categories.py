import numpy as np

from engines.cadence.categories import agreement, name_clusters, pseudo_categories


def test_hdbscan_recovers_blobs_deterministically_and_assigns_noise():
    rng = np.random.default_rng(0)
    centers = np.eye(8)[:3] * 5
    x = np.concatenate([c + rng.normal(0, 0.3, (60, 8)) for c in centers] + [rng.normal(0, 3, (5, 8))])
    a = pseudo_categories(x, dims=4, min_cluster_size=15, min_samples=5)
    b = pseudo_categories(x, dims=4, min_cluster_size=15, min_samples=5)
    assert a.labels == b.labels and a.n_clusters == 3
    assert min(a.labels) == 0  # no noise label left
    truth = [str(i // 60) for i in range(180)]
    nmi, ari = agreement(a.labels[:180], truth)
    assert nmi > 0.9 and ari > 0.9


def test_cluster_names_use_distinctive_words():
    names = name_clusters(["toy train", "toy car", "red dress", "blue dress"], [0, 0, 1, 1], words=1)
    assert names == {0: "toy", 1: "dress"}
