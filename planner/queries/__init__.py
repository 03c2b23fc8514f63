"""Read-side queries that pages share: a fixed number of SQL statements each,
whatever the size of the government."""
