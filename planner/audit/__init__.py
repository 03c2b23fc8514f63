"""The audit feature: the audit trail page and its CSV export."""
