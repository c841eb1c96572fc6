"""API resources: pure endpoint builders plus thin sync and async wrappers."""
