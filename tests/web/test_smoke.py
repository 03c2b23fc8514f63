import pytest

from planner.domain.organisation import Role

ROLES = [r.value for r in Role]


@pytest.mark.parametrize("role", ROLES)
def test_each_demo_account_signs_in_and_sees_its_home(client, demo, role):
    response = client.login(f"{role}@demo.pranata.test")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert f'data-role="{role}"' in page
    assert client.get("/units").status_code == 200
    assert client.get("/account/password").status_code == 200
    expected_people = 200 if role in ("auditor", "sysadmin") else 403
    assert client.get("/people").status_code == expected_people
