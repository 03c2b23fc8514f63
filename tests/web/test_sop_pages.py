"""The SOP pages, reading: who may open and change which SOP (every role, another government,
unknown ids) and the version in force shown as the official document."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from planner.domain.content import SopStatus
from planner.extensions import db
from planner.models import SopVersion
from tests.web.sop_helpers import DINKES, DPPPA, MANAGERS, ROLES, ids, sign_in, status_of, text

# -- who may open what -----------------------------------------------------------------

PAGES = [
    ("/sop", ROLES),
    ("/units/{prokompim}/sop", ROLES),
    ("/sop/versions/{in_force}", ROLES),
    ("/sop/versions/{retired}", ROLES),
    ("/sop/versions/{draft}", ROLES),
    ("/sop/versions/{draft}/edit", MANAGERS),
    ("/sop/versions/{draft}/activate", MANAGERS),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_what_it_may_and_is_refused_the_rest(client, demo, role):
    known = ids(client.app)
    sign_in(client, role)
    for template, allowed in PAGES:
        url = template.format(**known)
        status = client.get(url).status_code
        assert status == (200 if role in allowed else 403), (role, url, status)


@pytest.mark.parametrize("role", ROLES)
def test_only_approving_heads_and_sysadmins_change_an_sop(client, demo, role):
    known = ids(client.app)
    sign_in(client, role)
    with client.app.app_context():
        before = db.session.scalar(select(func.count(SopVersion.id)))
    copy = client.post(f"/sop/versions/{known['in_force']}/copy")
    new = client.post(f"/units/{known['prokompim']}/sop/new")
    save = client.post(f"/sop/versions/{known['draft']}/edit", {"action": "save", "name": "X"})
    activate = client.post(f"/sop/versions/{known['draft']}/activate", {"effective_date": "2025-06-01"})
    with client.app.app_context():
        after = db.session.scalar(select(func.count(SopVersion.id)))
    if role in MANAGERS:
        assert copy.status_code == new.status_code == 302
        assert re.search(r"/sop/versions/\d+/edit$", copy.headers["Location"])
        assert after == before + 2
    else:
        assert [copy.status_code, new.status_code, save.status_code, activate.status_code] == [403] * 4
        assert after == before
        assert status_of(client.app, known["draft"]) == SopStatus.DRAFT


FOREIGN = ["/units/{dpppa}/sop", "/sop/versions/{dpppa_version}", "/sop/versions/{dpppa_version}/edit",
           "/sop/versions/{dpppa_version}/activate"]


@pytest.mark.parametrize("role", ROLES)
def test_another_governments_sop_is_not_found(client, demo, role):
    known = ids(client.app)
    sign_in(client, role)
    for template in FOREIGN:
        response = client.get(template.format(**known))
        assert response.status_code == 404, (role, template)
        assert "463/SOP-02/DPPPA/2023" not in text(response)
    assert client.post(f"/sop/versions/{known['dpppa_version']}/copy").status_code == 404
    assert client.post(f"/units/{known['dpppa']}/sop/new").status_code == 404
    assert "DPPPA" not in text(client.get("/sop")) and DPPPA not in text(client.get("/sop"))


def test_unknown_version_and_unit_ids_are_not_found(client, demo):
    sign_in(client, "sysadmin")
    for url in ["/sop/versions/999999", "/sop/versions/999999/edit", "/sop/versions/999999/activate",
                "/units/999999/sop", "/sop/versions/99999999999999999999"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/sop/versions/999999/copy").status_code == 404
    assert client.post("/units/999999/sop/new").status_code == 404


# -- reading ---------------------------------------------------------------------------

def test_the_unit_page_shows_the_version_in_force_as_the_official_document(client, demo):
    known = ids(client.app)
    sign_in(client, "author")
    page = text(client.get(f"/units/{known['prokompim']}/sop"))
    # Identity block.
    for expected in ["800/SOP-01/PROKOMPIM/2025", "Sekretaris Daerah Kota Tanjungpinang",
                     "188.45/015/2025", "Wali Kota Tanjungpinang", "SOP Peliputan Kegiatan Pimpinan",
                     "Kamera, drone, PC penyunting", "Konten yang belum disetujui tidak boleh diunggah",
                     "Seluruh tahapan tercatat di Pranata", "January 2, 2025", "PEMERINTAH KOTA TANJUNGPINANG"]:
        assert expected in page, expected
    # The flowchart: steps, performers, inputs, standards of the step kind, hours, outputs.
    for expected in ["Memeriksa kelengkapan, fakta dan kesesuaian konten", "Fakta dan nama pejabat sudah diperiksa",
                     "Menggunakan tagar resmi #PemkoTanjungpinang", "Tidak memuat informasi yang dikecualikan",
                     "Teks alternatif (alt text) untuk gambar", "192 hours", "Tautan unggahan per platform",
                     "Approving head", "Reviewer"]:
        assert expected in page, expected
    assert page.count('data-step-kind="review"') == 2  # the default route and the krisis route
    # The crisis route's fast track and its ratification window.
    assert 'data-route="krisis"' in page
    assert "ratifies the post within 24 hours" in page
    assert 'data-action="print"' in page
    # All versions, linked.
    assert f'href="/sop/versions/{known["retired"]}"' in page
    assert "Versi pertama: menuliskan praktik penyaringan" in page
    # An author may read but not draft.
    assert "/sop/new" not in page


def test_the_sop_list_flags_units_without_an_sop_and_offers_a_draft_to_managers(client, make_client, demo):
    known = ids(client.app)
    sign_in(client, "sysadmin")
    page = text(client.get("/sop"))
    assert "800/SOP-01/PROKOMPIM/2025" in page and DINKES in page
    assert f'href="/units/{known["prokompim"]}/sop"' in page
    assert f'action="/units/{known["dinkes"]}/sop/new"' in page
    assert 'data-testid="no-sop"' in page
    auditor = make_client()
    sign_in(auditor, "auditor")
    listing = text(auditor.get("/sop"))
    assert DINKES in listing and "/sop/new" not in listing and "Draft the first version" not in listing


def test_a_retired_version_and_a_draft_show_their_status(client, demo):
    known = ids(client.app)
    sign_in(client, "approver")
    retired = text(client.get(f"/sop/versions/{known['retired']}"))
    assert "RETIRED: no longer in force" in retired and "800/SOP-01/PROKOMPIM/2024" in retired
    assert f'action="/sop/versions/{known["retired"]}/copy"' in retired
    assert f"/sop/versions/{known['retired']}/edit" not in retired
    draft = text(client.get(f"/sop/versions/{known['draft']}"))
    assert "DRAFT: not in force" in draft
    assert f'href="/sop/versions/{known["draft"]}/edit"' in draft
    assert f'href="/sop/versions/{known["draft"]}/activate"' in draft


def test_the_pages_work_in_both_languages(client, demo):
    known = ids(client.app)
    sign_in(client, "reviewer", english=False)
    assert client.get(f"/units/{known['prokompim']}/sop").status_code == 200
    client.post("/language", {"lang": "en"})
    page = text(client.get(f"/units/{known['prokompim']}/sop"))
    assert "STANDARD OPERATING PROCEDURE" in page and "Default route" in page
    assert "SOPs for social media" in text(client.get("/sop"))


def test_the_document_takes_a_fixed_number_of_queries(client, demo):
    from sqlalchemy import event

    known = ids(client.app)
    sign_in(client, "author")
    counts = []
    with client.app.app_context():
        engine = db.engine

    def count(url):
        statements = []
        listener = lambda *args: statements.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    counts.append(count(f"/sop/versions/{known['retired']}"))  # one route of three steps
    counts.append(count(f"/sop/versions/{known['in_force']}"))  # two routes, eleven steps, standards
    counts.append(count(f"/units/{known['prokompim']}/sop"))
    assert counts[0] == counts[1] and counts[2] <= counts[1] + 2, counts

