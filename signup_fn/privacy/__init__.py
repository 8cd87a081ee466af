"""Personal data requests (UU PDP) and the purge."""
