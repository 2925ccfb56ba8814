"""The OpenAPI document validates, and generated requests against a live server find no 5xx
and no response that breaks the documented schema (a bounded schemathesis run)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES_PER_OPERATION = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "30"))


def test_openapi_document_is_valid_openapi_3(client, db):
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").json())


@pytest.mark.fuzz
@pytest.mark.django_db(transaction=True)
def test_generated_requests_find_no_server_error_and_no_schema_violation(
    live_server, curated_live, settings, api_rate_limit
):
    settings.API_ANON_RATE = "100000/m"
    api_rate_limit(requests=100_000)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [
            str(schemathesis),
            "run",
            f"{live_server.url}/api/v1/openapi.json",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,"
            "content_type_conformance,negative_data_rejection",
            "--generation-deterministic",
            "--phases",
            "examples,fuzzing",
            "--request-timeout",
            "20",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    tail = result.stdout[-4000:]
    assert result.returncode == 0, tail
    summary = [line for line in tail.splitlines() if "generated" in line]
    print("\n".join(summary))
    generated = int(summary[-1].split()[0])
    assert generated >= 200, summary
