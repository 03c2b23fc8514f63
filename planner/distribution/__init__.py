"""The distribution feature: distribution networks, the distribution log of published posts, coverage, and amplification by other units."""
