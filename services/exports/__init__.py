"""Contact exports to CSV or XLSX files, and expiring download links for stored files."""
