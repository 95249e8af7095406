"""CADENCE: offline category-constrained, diverse query generation plus an online prefix index
(after Gupta et al., KDD 2023). Pure: data in, typed results out; torch models live here."""
