"""The sysadmin's journeys through people, roles and acting officials, and the refusals of others."""
from datetime import date, timedelta

from sqlalchemy import select

from planner.extensions import db
from planner.models import AuditEvent, Delegation, Person, RoleAssignment, Unit

SYSADMIN = "sysadmin@demo.pranata.test"


def unit_id(app, name):
    with app.app_context():
        return db.session.scalar(select(Unit.id).where(Unit.name == name))


def person_by_email(app, email):
    with app.app_context():
        return db.session.scalar(select(Person).where(Person.email == email))


def test_sysadmin_adds_a_person_gives_a_role_and_the_person_signs_in(client, make_client, demo):
    client.login(SYSADMIN)
    dinkes = unit_id(client.app, "Dinas Kesehatan")
    response = client.post("/people/new", {
        "name": "Yoga Prasetyo", "email": "yoga@demo.pranata.test", "nip": "199901012022031001",
        "home_unit_id": dinkes, "preferred_language": "id", "password": "kata-sandi-awal-1"})
    assert response.status_code == 302
    yoga = person_by_email(client.app, "yoga@demo.pranata.test")
    assert "Yoga Prasetyo" in client.get("/people?q=yoga").get_data(as_text=True)
    response = client.post(f"/units/{dinkes}/assignments/new", {
        "person_id": yoga.id, "role": "author", "valid_from": (date.today() - timedelta(days=1)).isoformat(),
        "position_title": "Admin media sosial", "decree_number": "188.45/300/DINKES/2026",
        "decree_date": date.today().isoformat(), "decree_signed_by": "Kepala Dinas Kesehatan"})
    assert response.status_code == 302
    assert "188.45/300/DINKES/2026" in client.get(f"/units/{dinkes}/structure").get_data(as_text=True)
    newcomer = make_client()
    assert newcomer.login("yoga@demo.pranata.test", "kata-sandi-awal-1").status_code == 302
    assert 'data-role="author"' in newcomer.get("/").get_data(as_text=True)


def test_sysadmin_records_and_ends_an_acting_official(client, demo):
    client.login(SYSADMIN)
    dinkes = unit_id(client.app, "Dinas Kesehatan")
    head = person_by_email(client.app, "elfiani@demo.pranata.test")
    secretary = person_by_email(client.app, "agus.salim@demo.pranata.test")
    with client.app.app_context():
        assignment = db.session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.person_id == head.id))
    today = date.today()
    response = client.post(f"/units/{dinkes}/delegations/new", {
        "assignment_id": assignment, "delegate_id": secretary.id, "kind": "plt",
        "valid_from": today.isoformat(), "valid_to": (today + timedelta(days=30)).isoformat(),
        "reason": "Kepala Dinas menjalani pendidikan", "decree_number": "800/77/2026",
        "decree_date": today.isoformat(), "decree_signed_by": "Sekretaris Daerah"})
    assert response.status_code == 302
    page = client.get(f"/units/{dinkes}/structure").get_data(as_text=True)
    assert "Plt. Agus Salim, S.K.M." in page
    with client.app.app_context():
        delegation = db.session.scalar(select(Delegation.id).where(Delegation.decree_number == "800/77/2026"))
    response = client.post(f"/delegations/{delegation}/end", {
        "end_date": (today + timedelta(days=3)).isoformat(), "reason": "Kepala Dinas kembali"})
    assert response.status_code == 302
    with client.app.app_context():
        assert db.session.get(Delegation, delegation).valid_to == today + timedelta(days=3)
        assert db.session.scalar(select(AuditEvent.actor_id).where(
            AuditEvent.action == "delegation.ended")) == person_by_email(client.app, SYSADMIN).id


def test_sysadmin_ends_an_assignment_and_the_history_stays(client, demo):
    client.login(SYSADMIN)
    author = person_by_email(client.app, "author@demo.pranata.test")
    with client.app.app_context():
        assignment = db.session.scalar(select(RoleAssignment.id).where(
            RoleAssignment.person_id == author.id))
    yesterday = date.today() - timedelta(days=1)
    response = client.post(f"/assignments/{assignment}/end", {
        "end_date": yesterday.isoformat(), "reason": "Mutasi ke Dinas Pariwisata"})
    assert response.status_code == 302
    prokompim = unit_id(client.app, "Bagian Protokol dan Komunikasi Pimpinan")
    unit_page = client.get(f"/units/{prokompim}").get_data(as_text=True)
    assert "Andi Pratama" in unit_page and "Mutasi ke Dinas Pariwisata" in unit_page
    structure = client.get(f"/units/{prokompim}/structure?sub=0").get_data(as_text=True)
    assert "Andi Pratama" not in structure
    before = client.get(f"/units/{prokompim}/structure?sub=0&date={yesterday.isoformat()}").get_data(as_text=True)
    assert "Andi Pratama" in before


def test_sysadmin_resets_a_password(client, make_client, demo):
    client.login(SYSADMIN)
    author = person_by_email(client.app, "author@demo.pranata.test")
    response = client.post(f"/people/{author.id}/password", {
        "password": "sandi-baru-dari-admin", "confirm": "sandi-baru-dari-admin"})
    assert response.status_code == 302
    assert make_client().login("author@demo.pranata.test").status_code == 401
    assert make_client().login("author@demo.pranata.test", "sandi-baru-dari-admin").status_code == 302


def test_auditor_reads_people_but_cannot_change_them(client, demo):
    client.login("auditor@demo.pranata.test")
    author = person_by_email(client.app, "author@demo.pranata.test")
    assert client.get(f"/people/{author.id}").status_code == 200
    assert client.post(f"/people/{author.id}/deactivate").status_code == 403
    assert client.post(f"/people/{author.id}/password", {
        "password": "x" * 12, "confirm": "x" * 12}).status_code == 403
    dinkes = unit_id(client.app, "Dinas Kesehatan")
    assert client.post(f"/units/{dinkes}/assignments/new", {}).status_code == 403
    assert person_by_email(client.app, "author@demo.pranata.test").active


def test_sysadmin_edits_a_person(client, demo):
    client.login(SYSADMIN)
    author = person_by_email(client.app, "author@demo.pranata.test")
    response = client.post(f"/people/{author.id}/edit", {
        "name": "Andi Pratama, S.I.Kom., M.I.Kom.", "email": author.email, "nip": author.nip,
        "position_title": "Pengelola Media Sosial", "home_unit_id": author.home_unit_id,
        "preferred_language": "en", "version": author.version})
    assert response.status_code == 302
    assert person_by_email(client.app, author.email).name == "Andi Pratama, S.I.Kom., M.I.Kom."


def test_sysadmin_creates_and_moves_a_unit(client, demo):
    client.login(SYSADMIN)
    setda = unit_id(client.app, "Sekretariat Daerah")
    response = client.post("/units/new", {"name": "Bagian Hukum", "short_name": "Hukum",
                                          "type": "division", "timezone": "WIB", "parent_id": setda})
    assert response.status_code == 302
    hukum = unit_id(client.app, "Bagian Hukum")
    dinkes = unit_id(client.app, "Dinas Kesehatan")
    with client.app.app_context():
        version = db.session.get(Unit, hukum).version
    response = client.post(f"/units/{hukum}/edit", {"name": "Bagian Hukum", "short_name": "Hukum",
                                                    "type": "division", "timezone": "WIB",
                                                    "parent_id": dinkes, "version": version})
    assert response.status_code == 302
    with client.app.app_context():
        assert db.session.get(Unit, hukum).parent_id == dinkes


def test_sysadmin_signs_a_person_out_everywhere(client, make_client, demo):
    phone, laptop = make_client(), make_client()
    phone.login("author@demo.pranata.test")
    laptop.login("author@demo.pranata.test")
    client.login(SYSADMIN)
    author = person_by_email(client.app, "author@demo.pranata.test")
    page = client.get(f"/people/{author.id}").get_data(as_text=True)
    assert page.count("terakhir aktif") == 2
    response = client.post(f"/people/{author.id}/sessions/end", follow_redirects=True)
    assert "2 sesi milik Andi Pratama, S.I.Kom. telah diakhiri." in response.get_data(as_text=True)
    assert phone.get("/").status_code == 302 and laptop.get("/").status_code == 302
    with client.app.app_context():
        assert db.session.scalar(select(AuditEvent.details).where(
            AuditEvent.action == "person.signed_out_everywhere")) == {"sessions": 2}


def test_only_a_sysadmin_may_sign_someone_out_everywhere(client, make_client, demo):
    victim = make_client()
    victim.login("author@demo.pranata.test")
    author = person_by_email(client.app, "author@demo.pranata.test")
    client.login("auditor@demo.pranata.test")
    assert "Sesi yang sedang masuk" not in client.get(f"/people/{author.id}").get_data(as_text=True)
    assert client.post(f"/people/{author.id}/sessions/end").status_code == 403
    assert victim.get("/").status_code == 200


def test_sysadmin_corrects_a_decree_typo_and_the_old_value_stays_in_the_audit_trail(client, demo):
    client.login(SYSADMIN)
    admin = person_by_email(client.app, "putri.handayani@demo.pranata.test")
    with client.app.app_context():
        assignment = db.session.scalar(select(RoleAssignment).where(RoleAssignment.person_id == admin.id))
    page = client.get(f"/assignments/{assignment.id}/correct").get_data(as_text=True)
    assert f'name="version" type="hidden" value="{assignment.version}"' in page
    response = client.post(f"/assignments/{assignment.id}/correct", {
        "position_title": "Admin Instagram @dinkes.tpi", "decree_number": "188.45/310/DINKES/2025",
        "decree_date": "2025-02-01", "decree_signed_by": "Kepala Dinas Kesehatan",
        "version": assignment.version})
    assert response.status_code == 302
    with client.app.app_context():
        corrected = db.session.get(RoleAssignment, assignment.id)
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "assignment.corrected"))
    assert corrected.decree_number == "188.45/310/DINKES/2025" and corrected.has_decree
    assert (corrected.valid_from, corrected.valid_to) == (assignment.valid_from, assignment.valid_to)
    assert event.details["changes"]["decree_number"] == [None, "188.45/310/DINKES/2025"]
    # A second correction from the form loaded before the first one is refused, not merged.
    stale = client.post(f"/assignments/{assignment.id}/correct", {
        "position_title": "Lain", "decree_number": "X/1", "decree_date": "2025-02-01",
        "decree_signed_by": "Kadis", "version": assignment.version}).get_data(as_text=True)
    assert "saat Anda sedang menyunting" in stale and 'value="188.45/310/DINKES/2025"' in stale


def test_sysadmin_corrects_a_delegation(client, demo):
    client.login(SYSADMIN)
    with client.app.app_context():
        delegation = db.session.scalar(select(Delegation).order_by(Delegation.id.desc()))
    response = client.post(f"/delegations/{delegation.id}/correct", {
        "reason": "Kepala Bagian mengikuti PKA angkatan II", "decree_number": delegation.decree_number,
        "decree_date": delegation.decree_date.isoformat(), "decree_signed_by": delegation.decree_signed_by,
        "version": delegation.version})
    assert response.status_code == 302
    with client.app.app_context():
        assert db.session.get(Delegation, delegation.id).reason == "Kepala Bagian mengikuti PKA angkatan II"
