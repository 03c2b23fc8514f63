"""The mix feature: the government's category list, target mixes per unit and period, and the mix page."""
