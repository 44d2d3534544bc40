"""What serves briefs: ``brief_service`` (check → cache → queue → run → render), shared by the
HTTP layer (``api``), the CLI and the Redis workers (``redis_backend``); jobs, webhooks, the result
cache, admission, the settings, reading article files, and the editor page (``static/``)."""
