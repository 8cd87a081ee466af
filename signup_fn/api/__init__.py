"""The public API, SOP step 1: POST /api/signup, its schema, GET /api/health."""
