"""The posts feature: drafting, the approval workflow, the approval inbox."""
