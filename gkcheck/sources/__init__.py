"""Reading evidence files: catalogs (xlsx, csv, yaml) and work ledgers (台账)."""
