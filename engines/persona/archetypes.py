"""Persona archetypes: dense groups of synthetic buyers, named by what sets them apart.

WHY HDBSCAN: buyers do not come in k equal round clusters; HDBSCAN (Campello et al. 2013) finds
groups of any shape where buyers are dense in trait space and leaves the thin in-between as noise,
so an archetype is a real concentration of similar people, not a cell of a forced partition.

Steps, on a seeded sample of the population:
1. Trait matrix X (`TRAITS`), standardised per column: z = (x − mean) / sd; the clustering uses
   the `CLUSTERED` columns.
2. HDBSCAN(min_cluster_size = m, min_samples = 5, leaf selection) for m = n/(2k), n/(4k), n/(8k)
   (k = archetypes asked for), keeping the first m that finds ≥ k groups (else the one that finds
   the most). Leaf selection returns the finest stable groups, which suits "give me k personas".
3. While there are more than k groups, the smallest is merged into the group whose centroid is
   nearest (Euclidean, in z); then every noise buyer joins the nearest centroid, so shares add to 1.
4. Each archetype: share = size / n; trait means in natural units; distinctiveness of trait j =
   the group's mean z_j (how many population standard deviations it sits from everyone);
   the name comes from its two most distinctive traits, what resonates from its distinctive highs
   and what puts them off from its distinctive lows and its price sensitivity (`PHRASES`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.persona.population import CHILDREN
from engines.persona.traits import Buyers

TRAITS = ("age", "log_income", "children", "urban", "female", "log_wtp", "price_sensitivity", "novelty", "nostalgia", "social_proof",
          "web", "catalogue", "store", "affinity")
MIN_SAMPLES = 5
DISTINCT = 0.35  # |mean z| above which a trait sets a group apart

#: Traits the clustering uses: gender is described but not clustered on (it would split every
#: persona in two without saying anything about buying).
CLUSTERED = tuple(t for t in TRAITS if t != "female")
#: trait → (name word when high, name word when low, resonates when high, puts off when low)
PHRASES: dict[str, tuple[str, str, str, str]] = {
    "age": ("Mature", "Young", "heritage, reliability and service", "old-fashioned, formal messaging"),
    "log_income": ("Affluent", "Budget", "premium quality and craftsmanship", "anything that reads as a luxury"),
    "children": ("Family", "Child-free", "family-sized value and practicality", "family-centred messaging"),
    "urban": ("Urban", "Rural", "city convenience, fast delivery, pop-ups", "store-only launches far from them"),
    "female": ("Women-led", "Men-led", "creative made with women in mind", "creative that ignores them"),
    "log_wtp": ("Premium", "Value", "paying more for a better product", "full price before proof of value"),
    "price_sensitivity": ("Bargain-hunting", "Price-relaxed", "promotions, bundles and launch discounts", "constant discounting that cheapens the brand"),
    "novelty": ("Trend-chasing", "Wait-and-see", "being first: drops, previews, new features", "untested newness"),
    "nostalgia": ("Nostalgic", "Forward-looking", "retro design, heritage stories, re-issues", "retro for its own sake"),
    "social_proof": ("Crowd-following", "Independent-minded", "reviews, ratings, bestseller badges, creators", "hype without substance"),
    "web": ("Online", "Offline", "buying on the web and in apps", "web-only launches"),
    "catalogue": ("Catalogue", "Non-catalogue", "catalogues and direct mail", "catalogue-only offers"),
    "store": ("In-store", "Remote", "trying it in a store", "store-only availability"),
    "affinity": ("Category-loving", "Category-indifferent", "the category itself: depth, range, expertise", "category jargon they do not share"),
}
NOUN = {True: "Families", False: "Shoppers"}


def trait_matrix(buyers: Buyers) -> np.ndarray:
    """(n, len(TRAITS)) float64 in natural units (income and wtp as logs)."""
    pop = buyers.population
    return np.column_stack([pop.age, np.log(pop.income), pop.household == CHILDREN, pop.urban, pop.female, np.log(buyers.wtp),
                            buyers.price_sensitivity, buyers.novelty, buyers.nostalgia, buyers.social_proof, buyers.channel_mix,
                            buyers.affinity]).astype(float)


def cluster(z: np.ndarray, count: int) -> np.ndarray:
    """Steps 2–3: a group index 0..g−1 for every row (g ≤ count)."""
    # imported here: the launch simulation imports this module but never clusters (sklearn.cluster costs ~0.2 s)
    from sklearn.cluster import HDBSCAN

    n = len(z)
    best: np.ndarray | None = None
    for divisor in (2, 4, 8):
        size = max(MIN_SAMPLES + 1, n // (divisor * count))
        labels = HDBSCAN(min_cluster_size=size, min_samples=MIN_SAMPLES, cluster_selection_method="leaf", copy=True).fit_predict(z)
        if best is None or labels.max() > best.max():
            best = labels
        if labels.max() + 1 >= count:
            break
    assert best is not None
    labels = best.copy()
    if labels.max() < 0:
        return np.zeros(n, dtype=int)  # no dense group at all: one archetype, everyone
    while labels.max() + 1 > count:
        sizes = np.bincount(labels[labels >= 0])
        small = int(sizes.argmin())
        centroids = np.array([z[labels == g].mean(0) for g in range(len(sizes))])
        distance = np.linalg.norm(centroids - centroids[small], axis=1)
        distance[small] = np.inf
        target = int(distance.argmin())
        labels[labels == small] = target
        labels[labels > small] -= 1
    centroids = np.array([z[labels == g].mean(0) for g in range(labels.max() + 1)])
    noise = labels < 0
    labels[noise] = np.linalg.norm(z[noise, None, :] - centroids[None, :, :], axis=2).argmin(1)
    return labels


@dataclass(frozen=True)
class Archetype:
    name: str
    share: float
    size: int
    traits: dict[str, float]  # natural units (income and wtp back in dollars)
    distinctive: dict[str, float]  # trait → mean z, strongest first
    resonates: list[str]
    puts_off: list[str]

    def description(self, price_sign: str = "$") -> str:
        """In words; income in PPP dollars, willingness to pay in the currency of the prices asked (`price_sign`)."""
        t = self.traits
        return (f"{self.name} ({self.share:.0%} of buyers): median age {t['age']:.0f}, household income ${t['income']:,.0f} PPP, "
                f"{t['children']:.0%} with children, {t['urban']:.0%} urban, willing to pay {price_sign}{t['wtp']:,.0f}. "
                f"Resonates: {'; '.join(self.resonates)}. Puts them off: {'; '.join(self.puts_off)}.")


def describe(x: np.ndarray, labels: np.ndarray) -> list[Archetype]:
    """Step 4, one archetype per label in label order; names made unique with a number when two coincide."""
    mean, sd = x.mean(0), x.std(0) + 1e-9
    out: list[Archetype] = []
    for g in range(labels.max() + 1):
        rows = x[labels == g]
        zbar = (rows.mean(0) - mean) / sd
        order = np.argsort(-np.abs(zbar), kind="stable")
        distinctive = {TRAITS[j]: round(float(zbar[j]), 2) for j in order}
        top = [j for j in order if abs(zbar[j]) >= DISTINCT and TRAITS[j] not in ("children", "female")][:2] or [int(order[0])]
        words = [PHRASES[TRAITS[j]][0 if zbar[j] > 0 else 1] for j in top]
        name = " ".join(words) + " " + NOUN[bool(zbar[TRAITS.index("children")] >= DISTINCT)]
        highs = [PHRASES[TRAITS[j]][2] for j in order if zbar[j] >= DISTINCT][:3] or ["a fair price for a product that fits their habits"]
        lows = [PHRASES[TRAITS[j]][3] for j in order if zbar[j] <= -DISTINCT][:2]
        if zbar[TRAITS.index("price_sensitivity")] >= DISTINCT or not lows:
            lows = ["prices above their willingness to pay"] + lows
        med = np.median(rows, axis=0)
        traits = {"age": float(med[0]), "income": float(np.exp(med[1])), "children": float(rows[:, 2].mean()), "urban": float(rows[:, 3].mean()),
                  "female": float(rows[:, 4].mean()), "wtp": float(np.exp(med[5])),
                  **{TRAITS[j]: float(rows[:, j].mean()) for j in range(6, len(TRAITS))}}
        out.append(Archetype(name, len(rows) / len(x), len(rows), {k: round(v, 3) for k, v in traits.items()}, distinctive, highs, lows[:3]))
    names = [a.name for a in out]
    return [a if names.count(a.name) == 1 else Archetype(f"{a.name} {i + 1}", a.share, a.size, a.traits, a.distinctive, a.resonates, a.puts_off)
            for i, a in enumerate(out)]


def archetypes(buyers: Buyers, count: int) -> tuple[list[Archetype], np.ndarray]:
    """Steps 1–4 over all of `buyers` (pass a sample: HDBSCAN is quadratic in the worst case).
    Returns the archetypes, largest first, and each buyer's archetype index into that list."""
    x = trait_matrix(buyers)
    z = (x - x.mean(0)) / (x.std(0) + 1e-9)
    labels = cluster(z[:, [TRAITS.index(t) for t in CLUSTERED]], count)
    order = np.argsort(-np.bincount(labels), kind="stable")
    ranked = np.argsort(order)[labels]  # group index → its rank by size
    return describe(x, ranked), ranked
