"""GET /api/openapi.json stays in sync with the validation model; schemathesis finds nothing."""

from __future__ import annotations

import pytest
import schemathesis
from email_validator import EmailNotValidError, validate_email
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, assume, given, settings

from signup_fn.api import schema as validation
from signup_fn.api.schema import SignupRequest
from signup_fn.typed_text import first_refusal


@pytest.fixture
def document(client: FlaskClient) -> dict:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_request_schema_matches_the_model(document: dict) -> None:
    schema = document["components"]["schemas"]["SignupRequest"]
    model = SignupRequest.model_json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(model["properties"])
    assert sorted(schema["required"]) == sorted(model["required"])
    for name, spec in model["properties"].items():
        documented = schema["properties"][name]
        variants = spec.get("anyOf", [spec])
        lengths = {variant.get("maxLength") for variant in variants} - {None}
        assert lengths == ({documented["maxLength"]} if "maxLength" in documented else set()), name
    assert schema["properties"]["role"]["enum"] == model["properties"]["role"]["enum"]
    assert schema["properties"]["consent"]["const"] is True
    assert schema["properties"]["member_id"]["pattern"] == validation.MEMBER_ID_PATTERN
    assert schema["properties"]["phone"]["pattern"] == validation.PHONE_PATTERN
    assert schema["properties"]["name"]["pattern"] == validation.NAME_PATTERN
    assert schema["properties"]["programme"]["pattern"] == validation.TEXT_PATTERN
    assert schema["properties"]["elapsed_ms"]["maximum"] == validation.MAX_ELAPSED_MS


def test_every_operation_documents_its_answers(document: dict) -> None:
    responses = document["paths"]["/api/signup"]["post"]["responses"]
    assert {"202", "400", "413", "415", "422", "429", "503"} <= set(responses)
    assert "Retry-After" in responses["429"]["headers"]
    assert document["servers"] == [{"url": "https://fn.site.example"}]
    assert document["openapi"].startswith("3.")


def email_syntax_ok(body: object) -> bool:
    """JSON Schema's `format: email` admits addresses email-validator refuses on purpose
    (special-use domains such as `.test`, IP literals); our 422 for those is by design."""
    if not isinstance(body, dict) or not isinstance(body.get("email"), str):
        return True
    try:
        validate_email(body["email"], check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def typed_text_ok(body: object) -> bool:
    """The text fields' pattern lists the refused characters of the Basic Multilingual Plane;
    the server also refuses format characters beyond it (tag characters, U+1D173...)."""
    if not isinstance(body, dict):
        return True
    return all(
        first_refusal(body[field]) is None
        for field in ("name", "programme")
        if isinstance(body.get(field), str)
    )


@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
def test_api_conforms_to_its_schema(make_app, mode: schemathesis.GenerationMode) -> None:
    """Schemathesis' checks over every operation, valid and invalid inputs.

    (Driven through Hypothesis directly: schemathesis' pytest plugin does not run on pytest 9.)
    """
    app: Flask = make_app(RATE_LIMIT_ADDRESS_COUNT=100_000, RATE_LIMIT_MEMBER_COUNT=100_000)
    api = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # An invalid body over MAX_CONTENT_LENGTH is refused with 413 (documented), which
    # schemathesis does not count among the refusals of invalid data by default.
    refusals = api.config.checks.negative_data_rejection
    refusals.expected_statuses = [*refusals.expected_statuses, "413"]
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) == 4

    if mode is schemathesis.GenerationMode.NEGATIVE:  # only a body can be made invalid
        operations = [operation for operation in operations if operation.method == "post"]
    assert operations
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            if mode is schemathesis.GenerationMode.POSITIVE:
                assume(email_syntax_ok(case.body) and typed_text_ok(case.body))
            case.call_and_validate()

        check()
