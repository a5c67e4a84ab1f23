"""Issue 6 item 1: one contract, three doors. The worked example 2N = 96000 (docs/law.md §7) gives the same
JSON object from the console script, the API and the web form."""

import json

import pytest

from tiaojie.accounts.actions import do_create_api_token

from .test_cli import TWO_N, tiaojie_calc


@pytest.mark.django_db
def test_worked_example_2n_is_the_same_through_all_three_doors(client, mediator_a):
    status, from_cli = tiaojie_calc("unlawful-termination", json.dumps(TWO_N))
    assert status == 0 and from_cli["amount"] == "96000.00"

    token = do_create_api_token(user=mediator_a)
    response = client.post(
        "/api/v1/calculators/unlawful-termination",
        json.dumps(TWO_N),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    from_api = response.json()

    client.logout()
    page = client.post("/calculators/unlawful-termination/", TWO_N)  # the public form, no token
    from_web = page.context["result"]

    # The API adds each step's citation links (basis_links); everything else is the same through all three doors.
    assert all("basis_links" in step for step in from_api["steps"])
    from_api = {
        **from_api,
        "steps": [{k: v for k, v in step.items() if k != "basis_links"} for step in from_api["steps"]],
    }
    assert from_cli == from_api == from_web
    html = page.content.decode()
    assert all(step["text"] in html for step in from_web["steps"])
