"""Bad input is refused with a translated message next to the field, and nothing is half-saved."""
import re

from sqlalchemy import func, select

from planner.extensions import db
from planner.models import AuditEvent, Delegation, Person, RoleAssignment, Unit

SYSADMIN = "sysadmin@demo.pranata.test"


def lookup(app, model, **where):
    with app.app_context():
        return db.session.scalars(select(model).filter_by(**where)).first()


def counts(app) -> tuple:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(m))
                     for m in (Unit, Person, RoleAssignment, Delegation, AuditEvent))


def field_error(page: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="{field}-error">([^<]+)</p>', page)
    assert match, f"no error next to {field}"
    return match.group(1)


def signed_in_admin(client):
    client.login(SYSADMIN)
    return client


def test_duplicate_email(client, demo):
    signed_in_admin(client)
    home = lookup(client.app, Unit, name="Dinas Kesehatan")
    before = counts(client.app)
    response = client.post("/people/new", {
        "name": "Orang Baru", "email": "AUTHOR@demo.pranata.test", "home_unit_id": home.id,
        "preferred_language": "id", "password": "kata-sandi-awal-1"})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "email") == \
        "Alamat e-mail ini sudah dipakai orang lain."
    assert counts(client.app) == before


def test_invalid_nip_and_email_format(client, demo):
    signed_in_admin(client)
    home = lookup(client.app, Unit, name="Dinas Kesehatan")
    page = client.post("/people/new", {
        "name": "Orang Baru", "email": "bukan-email", "nip": "12345", "home_unit_id": home.id,
        "preferred_language": "id", "password": "kata-sandi-awal-1"}).get_data(as_text=True)
    assert field_error(page, "email") and field_error(page, "nip") == "NIP terdiri atas tepat 18 angka."


def test_assignment_end_before_start(client, demo):
    signed_in_admin(client)
    unit = lookup(client.app, Unit, name="Dinas Kesehatan")
    person = lookup(client.app, Person, email="maya.sari@demo.pranata.test")
    before = counts(client.app)
    page = client.post(f"/units/{unit.id}/assignments/new", {
        "person_id": person.id, "role": "reviewer", "valid_from": "2025-05-01",
        "valid_to": "2025-04-01", "decree_number": "1/2025", "decree_date": "2025-04-20",
        "decree_signed_by": "Kadis"}).get_data(as_text=True)
    assert field_error(page, "valid_to") == "Tanggal akhir harus sama dengan atau sesudah tanggal mulai."
    assert 'value="1/2025"' in page  # what was typed is kept
    assert counts(client.app) == before


def test_overlapping_assignment(client, demo):
    signed_in_admin(client)
    unit = lookup(client.app, Unit, name="Bagian Protokol dan Komunikasi Pimpinan")
    person = lookup(client.app, Person, email="author@demo.pranata.test")
    before = counts(client.app)
    page = client.post(f"/units/{unit.id}/assignments/new", {
        "person_id": person.id, "role": "author", "valid_from": "2025-01-01",
        "decree_number": "2/2025", "decree_date": "2025-01-01",
        "decree_signed_by": "Wali Kota"}).get_data(as_text=True)
    assert field_error(page, "valid_from") == \
        "Orang ini sudah memegang peran ini di unit ini pada sebagian periode tersebut."
    assert counts(client.app) == before


def test_missing_decree_is_asked_for(client, demo):
    signed_in_admin(client)
    unit = lookup(client.app, Unit, name="Dinas Kesehatan")
    person = lookup(client.app, Person, email="maya.sari@demo.pranata.test")
    page = client.post(f"/units/{unit.id}/assignments/new", {
        "person_id": person.id, "role": "reviewer", "valid_from": "2025-05-01"}).get_data(as_text=True)
    assert field_error(page, "decree_number") == "Isikan nomor SK yang menjadi dasar."


def _delegation_form(client, delegate_email, valid_from, valid_to):
    unit = lookup(client.app, Unit, name="Bagian Protokol dan Komunikasi Pimpinan")
    approver = lookup(client.app, Person, email="approver@demo.pranata.test")
    with client.app.app_context():
        assignment = db.session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.person_id == approver.id, RoleAssignment.unit_id == unit.id))
    delegate = lookup(client.app, Person, email=delegate_email)
    return client.post(f"/units/{unit.id}/delegations/new", {
        "assignment_id": assignment, "delegate_id": delegate.id, "kind": "plh",
        "valid_from": valid_from, "valid_to": valid_to, "decree_number": "800/9/2026",
        "decree_date": "2026-01-01", "decree_signed_by": "Sekda"}).get_data(as_text=True)


def test_delegation_to_oneself(client, demo):
    signed_in_admin(client)
    before = counts(client.app)
    page = _delegation_form(client, "approver@demo.pranata.test", "2026-01-05", "2026-01-09")
    assert field_error(page, "delegate_id") == "Seseorang tidak dapat melimpahkan peran kepada dirinya sendiri."
    assert counts(client.app) == before


def test_delegation_outside_the_delegators_period(client, demo):
    signed_in_admin(client)
    before = counts(client.app)
    page = _delegation_form(client, "reviewer@demo.pranata.test", "2024-02-20", "2024-03-05")
    assert field_error(page, "valid_from") == \
        "Pelimpahan harus berada di dalam masa jabatan pejabat yang melimpahkan."
    assert counts(client.app) == before


def test_unit_moved_under_its_own_descendant(client, demo):
    signed_in_admin(client)
    setda = lookup(client.app, Unit, name="Sekretariat Daerah")
    descendant = lookup(client.app, Unit, name="Subbagian Protokol")
    before = counts(client.app)
    page = client.post(f"/units/{setda.id}/edit", {
        "name": "Sekretariat Daerah (diubah)", "type": "secretariat", "timezone": "WIB",
        "parent_id": descendant.id, "version": setda.version}).get_data(as_text=True)
    # The descendant is not even offered, so the choice itself is refused next to the field.
    assert field_error(page, "parent_id")
    assert counts(client.app) == before
    assert lookup(client.app, Unit, id=setda.id).name == "Sekretariat Daerah"


def test_two_people_editing_the_same_unit(client, make_client, demo):
    signed_in_admin(client)
    unit = lookup(client.app, Unit, name="Dinas Kesehatan")
    loaded_version = unit.version
    other = make_client()
    other.login(SYSADMIN)
    assert other.post(f"/units/{unit.id}/edit", {
        "name": "Dinas Kesehatan Kota", "type": "agency", "timezone": "WIB",
        "parent_id": unit.parent_id, "version": loaded_version}).status_code == 302
    page = client.post(f"/units/{unit.id}/edit", {
        "name": "Dinas Kesehatan (versi saya)", "type": "agency", "timezone": "WIB",
        "parent_id": unit.parent_id, "version": loaded_version}).get_data(as_text=True)
    assert "Rahmat Hidayat, S.Kom. menyimpan perubahan" in page
    assert 'value="Dinas Kesehatan Kota"' in page  # the form now shows the current values
    assert lookup(client.app, Unit, id=unit.id).name == "Dinas Kesehatan Kota"


def test_malformed_ids_in_forms_are_refused_cleanly(client, demo):
    signed_in_admin(client)
    unit = lookup(client.app, Unit, name="Dinas Kesehatan")
    response = client.post(f"/units/{unit.id}/assignments/new", {
        "person_id": "abc", "role": "superuser", "valid_from": "kemarin"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_error(page, "person_id") and field_error(page, "role") and field_error(page, "valid_from")


def test_too_long_input_is_a_translated_message_not_an_error(client, demo):
    signed_in_admin(client)
    setda = lookup(client.app, Unit, name="Sekretariat Daerah")
    response = client.post("/units/new", {"name": "B" * 250, "type": "division", "timezone": "WIB",
                                          "parent_id": setda.id})
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "name") == \
        "Isian tidak boleh lebih dari 200 karakter."


def test_an_edit_form_without_its_version_is_treated_as_stale(client, demo):
    signed_in_admin(client)
    unit = lookup(client.app, Unit, name="Dinas Kesehatan")
    page = client.post(f"/units/{unit.id}/edit", {
        "name": "Dinkes tanpa versi", "type": "agency", "timezone": "WIB",
        "parent_id": unit.parent_id}).get_data(as_text=True)
    assert "saat Anda sedang menyunting" in page
    assert lookup(client.app, Unit, id=unit.id).name == "Dinas Kesehatan"


def test_huge_ids_and_nul_bytes_are_refused_cleanly(client, demo):
    signed_in_admin(client)
    for url in ["/units/99999999999999999999", "/units/2147483648/structure", "/people/2147483648",
                "/assignments/99999999999999999999/end"]:
        assert client.get(url).status_code == 404, url
    assert client.get("/people?page=99999999999999999999").status_code == 200
    assert client.get("/people?q=%00").status_code == 400
    assert client.post("/login", {"email": "a\x00@x.test", "password": "x"}).status_code == 400


def test_repeated_fields_are_checked_for_nul_bytes_too(client, demo):
    signed_in_admin(client)
    response = client.http.get("/people", query_string=[("q", "ok"), ("q", "x\x00y")])
    assert response.status_code == 400
