"""Contact imports: upload, validate into a staging table, preview, confirm, commit."""
