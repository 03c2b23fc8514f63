"""The SOP pages, changing: drafting a copy, editing without JavaScript, putting a version in
force, and every refusal with its reason (bad input, stale forms, versions in force, activation)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from planner.domain.content import SopStatus, StepKind
from planner.domain.organisation import Role
from planner.extensions import db
from planner.models import Sop, SopRoute, SopStep, SopVersion
from planner.services.sops import RouteSpec, StepSpec, create_draft
from planner.sop.editor import RouteExists, UnknownAction, restructure
from tests.web.sop_helpers import (DINKES, PROKOMPIM, form_of, ids, sign_in, status_of, steps_in_db, text,
                                   unit_named)

# -- drafting, editing, putting in force -------------------------------------------------

def test_draft_a_copy_add_a_step_save_and_put_it_in_force(client, demo):
    app = client.app
    known = ids(app)
    sign_in(client, "approver")
    response = client.post(f"/sop/versions/{known['in_force']}/copy")
    new_id = int(re.search(r"/sop/versions/(\d+)/edit", response.headers["Location"])[1])
    with app.app_context():
        new = db.session.get(SopVersion, new_id)
        assert (new.status, new.number, new.based_on_id) == (SopStatus.DRAFT, 4, known["in_force"])
    before = steps_in_db(app, new_id)
    assert len(before) == 6 and before == steps_in_db(app, known["in_force"])

    fields = form_of(client.get(f"/sop/versions/{new_id}/edit"), "sop-editor")
    added = client.post(f"/sop/versions/{new_id}/edit", {**fields, "action": "add-step:0"})
    assert added.status_code == 200
    assert 'data-step="0-6"' in text(added)
    assert steps_in_db(app, new_id) == before  # nothing saved yet

    fields = form_of(added, "sop-editor")
    fields.update({"routes-0-steps-6-kind": "evaluate", "routes-0-steps-6-role": "author",
                   "routes-0-steps-6-hours": "720", "routes-0-steps-6-activity": "Mengarsipkan laporan bulanan",
                   "routes-0-steps-6-inputs": "Laporan keterlibatan\nTangkapan layar", "change_note": "Arsip bulanan",
                   "document_number": "800/SOP-01/PROKOMPIM/2026"})
    saved = client.post(f"/sop/versions/{new_id}/edit", {**fields, "action": "save"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/sop/versions/{new_id}")
    after = steps_in_db(app, new_id)
    assert after[:6] == before
    assert after[6] == (StepKind.EVALUATE, "Mengarsipkan laporan bulanan", Role.AUTHOR, 720)
    with app.app_context():
        step = db.session.scalar(select(SopStep).join(SopRoute).where(
            SopRoute.version_id == new_id, SopStep.position == 7))
        assert step.inputs == ["Laporan keterlibatan", "Tangkapan layar"]
        assert len(db.session.get(SopVersion, new_id).standards) == 4  # kept as they were
    assert len(steps_in_db(app, new_id, "krisis")) == 5

    confirm = client.get(f"/sop/versions/{new_id}/activate")
    assert confirm.status_code == 200 and 'data-testid="activation-problems"' not in text(confirm)
    assert "Version 2, in force since" in text(confirm)
    done = client.post(f"/sop/versions/{new_id}/activate", form_of(confirm))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/units/{known['prokompim']}/sop")
    with app.app_context():
        new = db.session.get(SopVersion, new_id)
        old = db.session.get(SopVersion, known["in_force"])
        assert new.status == SopStatus.IN_FORCE and new.activated_at is not None
        assert new.activated_by.email == "approver@demo.pranata.test"
        assert old.status == SopStatus.RETIRED and old.retired_at is not None
        assert db.session.scalar(select(func.count(SopVersion.id)).join(Sop).where(
            Sop.unit_id == known["prokompim"], SopVersion.status == SopStatus.IN_FORCE)) == 1
    page = text(client.get(done.headers["Location"]))
    assert "Mengarsipkan laporan bulanan" in page and "800/SOP-01/PROKOMPIM/2026" in page
    assert "Version 4 is now in force; version 2 has been retired." in page


def test_row_buttons_move_and_remove_steps_and_add_a_route_without_saving(client, demo):
    app = client.app
    known = ids(app)
    sign_in(client, "sysadmin")
    url = f"/sop/versions/{known['draft']}/edit"
    fields = form_of(client.get(url), "sop-editor")
    moved = form_of(client.post(url, {**fields, "action": "step-up:0:2"}), "sop-editor")
    assert moved["routes-0-steps-1-kind"] == "approve" and moved["routes-0-steps-2-kind"] == "review"
    removed = form_of(client.post(url, {**moved, "action": "remove-step:1:3"}), "sop-editor")
    assert "routes-1-steps-4-kind" not in removed and removed["routes-1-steps-3-kind"] == "evaluate"
    removed["new_route"] = "seremonial"
    added = client.post(url, {**removed, "action": "add-route"})
    routes = form_of(added, "sop-editor")
    assert routes["routes-2-category"] == "seremonial"
    assert routes["routes-2-steps-1-kind"] == "approve"  # a copy of the (edited) default route
    standards = form_of(client.post(url, {**routes, "action": "add-standard"}), "sop-editor")
    assert "standards-4-text" in standards
    assert steps_in_db(app, known["draft"]) == steps_in_db(app, known["in_force"])  # nothing saved
    assert client.post(url, {**fields, "action": "explode:9"}).status_code == 400

    saved = client.post(url, {**routes, "action": "save"})
    assert saved.status_code == 302
    kinds = [row[0] for row in steps_in_db(app, known["draft"])]
    assert kinds[:3] == [StepKind.DRAFT, StepKind.APPROVE, StepKind.REVIEW]
    assert len(steps_in_db(app, known["draft"], "krisis")) == 4
    assert len(steps_in_db(app, known["draft"], "seremonial")) == 6


def test_an_empty_first_draft_starts_from_the_index_and_gets_a_default_route(client, demo):
    app = client.app
    known = ids(app)
    sign_in(client, "sysadmin")
    response = client.post(f"/units/{known['dinkes']}/sop/new")
    url = response.headers["Location"]
    page = client.get(url)
    assert "This version has no route yet" in text(page)
    fields = form_of(page, "sop-editor")
    assert fields["new_route"] == ""
    skeleton = form_of(client.post(url, {**fields, "action": "add-route"}), "sop-editor")
    assert [skeleton[f"routes-0-steps-{i}-kind"] for i in range(4)] == ["draft", "review", "approve", "publish"]
    refused = client.post(url, {**skeleton, "action": "save"})
    assert refused.status_code == 200 and "Describe the activity of this step." in text(refused)
    with app.app_context():
        version_id = int(url.split("/")[-2])
        assert db.session.get(SopVersion, version_id).routes == []


def test_bad_input_in_the_editor_is_shown_next_to_the_field_and_nothing_is_saved(client, demo):
    app = client.app
    known = ids(app)
    sign_in(client, "approver")
    url = f"/sop/versions/{known['draft']}/edit"
    fields = form_of(client.get(url), "sop-editor")
    bad = {**fields, "routes-0-steps-1-hours": "sepuluh", "routes-0-steps-2-kind": "bribe",
           "routes-1-category": "no-such-category", "name": "", "action": "save"}
    response = client.post(url, bad)
    page = text(response)
    assert response.status_code == 200
    assert 'id="routes-0-steps-1-hours-error"' in page and "Not a valid integer value." in page
    assert 'id="routes-0-steps-2-kind-error"' in page and 'id="routes-1-category-error"' in page
    assert "Give the SOP a name." in page
    assert 'value="sepuluh"' in page  # what was typed stays in the field
    assert steps_in_db(app, known["draft"]) == steps_in_db(app, known["in_force"])
    twice = {**fields, "routes-1-category": "", "action": "save"}
    page = text(client.post(url, twice))
    assert "Route default (all other categories) is defined twice." in page


def test_a_stale_edit_shows_the_conflict_and_overwrites_nothing(client, make_client, demo):
    app = client.app
    known = ids(app)
    url = f"/sop/versions/{known['draft']}/edit"
    sign_in(client, "approver")
    other = make_client()
    sign_in(other, "sysadmin")
    mine, theirs = form_of(client.get(url), "sop-editor"), form_of(other.get(url), "sop-editor")
    assert other.post(url, {**theirs, "document_number": "NOMOR-SYSADMIN", "action": "save"}).status_code == 302
    response = client.post(url, {**mine, "document_number": "NOMOR-KABAG", "action": "save"})
    page = text(response)
    assert response.status_code == 200
    assert "Rahmat Hidayat, S.Kom. saved a change to this record" in page
    assert 'value="NOMOR-SYSADMIN"' in page  # the form now shows the current values
    with app.app_context():
        assert db.session.get(SopVersion, known["draft"]).document_number == "NOMOR-SYSADMIN"


def test_editing_a_version_in_force_is_refused_with_an_offer_to_draft_a_new_one(client, demo):
    app = client.app
    known = ids(app)
    sign_in(client, "approver")
    for version in ("in_force", "retired"):
        url = f"/sop/versions/{known[version]}/edit"
        response = client.get(url)
        assert response.status_code == 409
        assert 'data-testid="not-editable"' in text(response)
        assert f'action="/sop/versions/{known[version]}/copy"' in text(response)
        assert client.post(url, {"action": "save", "name": "Diubah"}).status_code == 409
        assert client.get(f"/sop/versions/{known[version]}/activate").status_code == 409
    with app.app_context():
        assert db.session.get(SopVersion, known["in_force"]).name != "Diubah"
    offer = client.post(f"/sop/versions/{known['in_force']}/copy")
    assert offer.status_code == 302 and client.get(offer.headers["Location"]).status_code == 200


def test_activating_a_draft_changed_since_the_confirmation_shows_the_conflict(client, make_client, demo):
    app = client.app
    known = ids(app)
    sign_in(client, "approver")
    confirm = form_of(client.get(f"/sop/versions/{known['draft']}/activate"))
    other = make_client()
    sign_in(other, "sysadmin")
    url = f"/sop/versions/{known['draft']}/edit"
    fields = form_of(other.get(url), "sop-editor")
    assert other.post(url, {**fields, "warning": "Peringatan baru", "action": "save"}).status_code == 302
    response = client.post(f"/sop/versions/{known['draft']}/activate", confirm)
    assert response.status_code == 200 and "saved a change to this record" in text(response)
    assert status_of(app, known["draft"]) == SopStatus.DRAFT
    again = client.post(f"/sop/versions/{known['draft']}/activate", form_of(response))
    assert again.status_code == 302 and status_of(app, known["draft"]) == SopStatus.IN_FORCE


# -- refusals at activation --------------------------------------------------------------

def _draft(app, unit_name: str, routes: list[RouteSpec]) -> int:
    with app.app_context():
        return create_draft(None, None, unit_named(unit_name), routes=routes).id


def _refused(client, version_id: int, *reasons: str) -> None:
    confirm = client.get(f"/sop/versions/{version_id}/activate")
    page = text(confirm)
    assert 'data-testid="activation-problems"' in page
    for reason in reasons:
        assert reason in page, reason
    response = client.post(f"/sop/versions/{version_id}/activate", form_of(confirm))
    assert response.status_code == 200
    for reason in reasons:
        assert reason in text(response), reason
    assert status_of(client.app, version_id) == SopStatus.DRAFT


def _steps(*kinds_and_roles) -> list[StepSpec]:
    return [StepSpec(kind, f"Langkah {kind.value}", role, 8) for kind, role in kinds_and_roles]


def test_activation_is_refused_without_an_approval_step(client, demo):
    app = client.app
    known = ids(app)
    draft = _draft(app, PROKOMPIM, [RouteSpec(None, _steps((StepKind.DRAFT, Role.AUTHOR),
                                                           (StepKind.PUBLISH, Role.AUTHOR)))])
    sign_in(client, "approver")
    _refused(client, draft, "Route default (all other categories) has no review or approval step.")
    assert status_of(app, known["in_force"]) == SopStatus.IN_FORCE


def test_activation_is_refused_for_a_role_nobody_in_the_unit_holds(client, demo):
    app = client.app
    ids(app)
    draft = _draft(app, DINKES, [RouteSpec(None, _steps(
        (StepKind.DRAFT, Role.CONTRIBUTOR), (StepKind.APPROVE, Role.APPROVER), (StepKind.PUBLISH, Role.AUTHOR)))])
    sign_in(client, "sysadmin")
    _refused(client, draft, "Step 1 of route default (all other categories) is performed by the role Division contributor, "
                            "which nobody in the unit holds.")


def test_activation_is_refused_for_a_route_of_an_unknown_category(client, demo):
    app = client.app
    ids(app)
    ok = _steps((StepKind.DRAFT, Role.AUTHOR), (StepKind.APPROVE, Role.APPROVER), (StepKind.PUBLISH, Role.AUTHOR))
    draft = _draft(app, PROKOMPIM, [RouteSpec(None, ok), RouteSpec("lomba-foto", ok)])
    sign_in(client, "approver")
    _refused(client, draft, "Route for unknown category lomba-foto.")
    assert "lomba-foto (unknown category)" in text(client.get(f"/sop/versions/{draft}/edit"))


def test_activation_is_refused_for_a_future_effective_date(client, demo):
    app = client.app
    known = ids(app)
    sign_in(client, "approver")
    with app.app_context():
        tomorrow = unit_named(PROKOMPIM).today() + timedelta(days=1)
    confirm = form_of(client.get(f"/sop/versions/{known['draft']}/activate"))
    response = client.post(f"/sop/versions/{known['draft']}/activate",
                           {**confirm, "effective_date": tomorrow.isoformat()})
    assert 'id="effective_date-error"' in text(response) and "this one is in the future" in text(response)
    bad_date = client.post(f"/sop/versions/{known['draft']}/activate", {**confirm, "effective_date": "2025-02-30"})
    assert bad_date.status_code == 200 and 'id="effective_date-error"' in text(bad_date)
    assert status_of(app, known["draft"]) == SopStatus.DRAFT
    assert status_of(app, known["in_force"]) == SopStatus.IN_FORCE


# -- the editor's row buttons, without a browser ---------------------------------------------

def test_restructure_renumbers_rows_and_ignores_a_button_pressed_twice():
    data = MultiDict([("csrf_token", "t"), ("version", "3"), ("action", "remove-step:0:0"),
                      ("routes-0-category", ""), ("routes-0-steps-0-activity", "a"),
                      ("routes-0-steps-5-activity", "b"), ("standards-2-text", "s")])
    result = restructure(data, "remove-step:0:0")
    assert result.get("routes-0-steps-0-activity") == "b" and "routes-0-steps-1-activity" not in result
    assert result.get("standards-0-text") == "s" and "action" not in result and result["version"] == "3"
    assert restructure(result, "remove-step:0:7") == result
    with pytest.raises(UnknownAction):
        restructure(data, "drop-table")
    with pytest.raises(RouteExists):
        restructure(MultiDict([("routes-0-category", ""), ("new_route", "")]), "add-route")
