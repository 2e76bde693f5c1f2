"""Loaded by schemathesis in tests/e2e/openapi-conformance.test.ts (the `hooks` key of its config).

POST /v1/customers/import takes NDJSON, which schemathesis has no serializer for; its generated
strings go on the wire as they are, as text/plain bodies do.
"""
import schemathesis

schemathesis.serializer.alias("application/x-ndjson", "text/plain")
